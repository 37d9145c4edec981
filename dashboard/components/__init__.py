"""Small typed widget helpers and the app frame; the logic they feed lives in analytics/."""
