"""The annotate stage: sentences, entities with roles, quotes, quantities, times, vectors."""
