"""flaskforge's benchmarks: the generator, and the service it generates as deployed.

Run from the repository's root with the Python of an environment where flaskforge is
installed: ``python -m benchmarks`` (see ``docs/benchmarks.md``). Each module measures one
thing; ``__main__`` runs them in order and checks the budgets.
"""
