"""The annotate stage: sentences, entities with roles, quotes, quantities, time expressions, vectors."""
