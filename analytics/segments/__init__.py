"""Customer segments: user features and text embeddings, clustering, traits, profiles, the job."""
