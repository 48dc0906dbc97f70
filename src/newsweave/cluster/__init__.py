"""Story clustering: articles that report the same real-world event form one story.

Two clusterers judge with the same evidence (:mod:`.evidence`) and options:

- :mod:`.online` (the store's path and ``brief PATH``): one pass, each article joins the best
  active story or opens one; cost per article independent of the store's size. Undated
  articles of a batch go along the consensus of several orders of them (:mod:`.consensus`).
- :mod:`.batch`: average-linkage agglomerative clustering of a whole set, the reference the
  online path is measured against in bench/cluster_quality.py.
"""

from newsweave.cluster.batch import cluster, similarity_matrix
from newsweave.cluster.evidence import ClusterOptions, known_date, participants, story_id_for
from newsweave.cluster.online import (
    Assignment,
    OnlineClusterer,
    cluster_online,
    open_clusterer,
)
from newsweave.cluster.order import arrival_order

__all__ = [
    "Assignment",
    "ClusterOptions",
    "OnlineClusterer",
    "arrival_order",
    "cluster",
    "cluster_online",
    "known_date",
    "open_clusterer",
    "participants",
    "similarity_matrix",
    "story_id_for",
]
