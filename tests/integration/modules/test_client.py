"""The client layer: connection options and failures, through real module runs."""

from ansible_collections.labnet.docker.tests.integration.harness import play, run_module, task


def test_unreachable_socket_names_host_and_cause():
    result = run_module('network_info', docker_host='unix:///nonexistent/docker.sock')
    assert result['failed']
    assert result['msg'] == ('cannot reach the Docker daemon at unix:///nonexistent/docker.sock: '
                             'No such file or directory')
    # ansible-core 2.19 adds exception='(traceback unavailable)' to every failure; no real traceback here.
    assert 'Traceback' not in str(result)


def test_refused_tcp_port_from_environment():
    result = play([task('network_info')], env={'DOCKER_HOST': 'tcp://127.0.0.1:9'})[0]
    assert result['failed']
    assert result['msg'] == 'cannot reach the Docker daemon at tcp://127.0.0.1:9: Connection refused'


def test_module_defaults_group_sets_connection():
    tasks = [{
        'module_defaults': {'group/labnet.docker.docker': {'docker_host': 'unix:///nonexistent/group.sock'}},
        'block': [{'labnet.docker.network_info': {'names': ['bridge']}, 'ignore_errors': True}],
    }]
    result = play(tasks)[0]
    assert result['failed']
    assert 'unix:///nonexistent/group.sock' in result['msg']


def test_client_cert_without_key_is_refused():
    result = run_module('network_info', tls=True, client_cert='/etc/hostname')
    assert result['failed']
    assert result['msg'] == 'client_cert and client_key must be given together; only client_cert was given'


def test_network_info_reads_predefined_bridge():
    result = run_module('network_info', names=['bridge'])
    assert result['exists'] is True
    assert result['changed'] is False
    assert [net['Name'] for net in result['networks']] == ['bridge']
    assert result['networks'][0]['Driver'] == 'bridge'


def test_network_info_missing_name_is_not_an_error(prefix):
    result = run_module('network_info', names=[prefix + '-missing'])
    assert not result.get('failed')
    assert result['exists'] is False
    assert result['networks'] == []
