"""Language models: settings, device choice, model loading, sentiment, embeddings, copy.

Nothing here imports streamlit; the dashboard passes settings in.
"""
