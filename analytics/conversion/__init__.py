"""Conversion analytics for the Overview and Conversion pages: funnels, trends, cohorts, RFM, CLV."""
