"""The example resource: items, at ``/api/v1/items``. Copy this folder to add a resource."""
