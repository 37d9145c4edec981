"""The shopping assistant: grounded answers to product questions from the shop's own catalog,
reviews and earlier Q&A (docs/ASSISTANT.md)."""
