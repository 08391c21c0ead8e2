/* nat_subnet: the Docker network subnet as the credential-proxy action reads it, for the
 * integration tests against a real dockerd.
 *   nat_subnet [NETWORK]    (default "nat"; the engine from DOCKER_HOST)
 * Prints the prefix ("172.24.16.0/20"); on a failure "error <status>: message", exit 1. */
#include <stdio.h>

#include "ecsb/agent/credential_proxy.h"
#include "ecsb/docker/engine.h"

int main(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "usage: nat_subnet [NETWORK]\n");
        return 2;
    }
    struct ecsb_error err = {0};
    struct ecsb_docker d;
    struct ecsb_json *network = NULL;
    struct ecsb_cp_prefix subnet;
    enum ecsb_status st = ecsb_docker_open(&d, NULL, 10000, &err);
    if (st == ECSB_OK) {
        st = ecsb_docker_network_inspect(&d, argc > 1 ? argv[1] : "nat", &network, &err);
        if (st == ECSB_OK)
            st = ecsb_cp_nat_subnet(network, &subnet, &err);
        ecsb_json_free(network);
        ecsb_docker_close(&d);
    }
    if (st != ECSB_OK) {
        printf("error %s: %s\n", ecsb_status_name(st), err.message);
        return 1;
    }
    char text[24];
    ecsb_cp_prefix_format(&subnet, text, sizeof text);
    printf("%s\n", text);
    return 0;
}
