"""Helpers shared by the network integration tests."""


def on_network(make_container, client, suffix, network, start=True, **endpoint):
    """A test container attached only to ``network`` (not to the default bridge), with ``endpoint`` settings.

    ``endpoint`` takes the SDK's create_endpoint_config arguments: ipv4_address, ipv6_address, aliases, links.
    """
    config = client.api.create_endpoint_config(**endpoint)
    return make_container(suffix, start=start, network=network, networking_config={network: config})


def endpoint_of(container, network):
    container.reload()
    return container.attrs['NetworkSettings']['Networks'].get(network)
