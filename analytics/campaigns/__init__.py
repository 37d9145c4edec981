"""Campaigns: products to feature, offer and copy rules, the copy writer, drafts and the studio."""
