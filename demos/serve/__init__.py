"""``plangate serve``: agents over HTTP (an Agent Protocol shaped API), runs behind a seam.

``runs`` defines the seam (``RunService``) and what crosses it; ``local`` runs agents in the API
process; ``app`` is the FastAPI application; ``client`` a thin httpx client of it.
"""
