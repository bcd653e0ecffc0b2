"""Unit tests import the collection as ``ansible_collections.labnet.docker`` (pytest.ini puts build/collections,
where `make setup` links this checkout, on the import path) and share one fake client, tests/unit/fake_api.py."""
