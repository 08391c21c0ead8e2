/* Windows half of the firewall rule in credential_proxy.h: the firewall's COM API
 * (INetFwPolicy2, what New-NetFirewallRule and `netsh advfirewall` drive), chosen over
 * running netsh and reading its localized output. The rule is found by its names; after
 * adding it, it is looked up again, so an API that answers S_OK without doing anything
 * (Wine's INetFwRules::Add) cannot pass for success. */
#define COBJMACROS
#include <windows.h>
#include <initguid.h> /* defines netfw.h's CLSIDs and IIDs here: mingw-w64's libuuid has none */
#include <netfw.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/agent/credential_proxy.h"
#include "win_util.h"

struct firewall {
    INetFwPolicy2 *policy;
    INetFwRules *rules;
    bool uninitialize; /* CoInitializeEx succeeded: balance it */
};

static enum ecsb_status com_error(const char *what, HRESULT hr, struct ecsb_error *err)
{
    if (hr == E_NOTIMPL)
        return ecsb_error_set(err, ECSB_ERR_UNSUPPORTED, "%s is not implemented here (E_NOTIMPL)", what);
    if (hr == E_ACCESSDENIED || hr == HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED))
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "%s: access denied; run elevated", what);
    if (hr == HRESULT_FROM_WIN32(EPT_S_NOT_REGISTERED))
        return ecsb_error_set(err, ECSB_ERR_PLATFORM, "%s: the Windows Defender Firewall service (mpssvc) is not "
                              "running", what);
    return ecsb_error_set(err, ECSB_ERR_PLATFORM, "%s failed (HRESULT 0x%08lx)", what, (unsigned long)hr);
}

static void firewall_close(struct firewall *f)
{
    if (f->rules)
        INetFwRules_Release(f->rules);
    if (f->policy)
        INetFwPolicy2_Release(f->policy);
    if (f->uninitialize)
        CoUninitialize();
    memset(f, 0, sizeof *f);
}

static enum ecsb_status firewall_open(struct firewall *f, struct ecsb_error *err)
{
    memset(f, 0, sizeof *f);
    HRESULT hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    f->uninitialize = SUCCEEDED(hr); /* S_FALSE (already initialized) counts too */
    if (FAILED(hr) && hr != RPC_E_CHANGED_MODE)
        return com_error("CoInitializeEx", hr, err);
    hr = CoCreateInstance(&CLSID_NetFwPolicy2, NULL, CLSCTX_INPROC_SERVER, &IID_INetFwPolicy2, (void **)&f->policy);
    if (SUCCEEDED(hr))
        hr = INetFwPolicy2_get_Rules(f->policy, &f->rules);
    if (FAILED(hr)) {
        firewall_close(f);
        return com_error("the firewall policy (INetFwPolicy2)", hr, err);
    }
    return ECSB_OK;
}

static BSTR bstr(const char *utf8)
{
    wchar_t *w = ecsb_utf8_to_wide(utf8);
    BSTR b = SysAllocString(w);
    free(w);
    return b;
}

static enum ecsb_status find_rule(struct firewall *f, const char *utf8_name, struct ecsb_error *err)
{
    BSTR name = bstr(utf8_name);
    INetFwRule *rule = NULL;
    HRESULT hr = INetFwRules_Item(f->rules, name, &rule);
    SysFreeString(name);
    if (SUCCEEDED(hr)) {
        INetFwRule_Release(rule);
        return ECSB_OK;
    }
    if (hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND))
        return ecsb_error_set(err, ECSB_ERR_NOT_FOUND, "no firewall rule named '%s'", utf8_name);
    return com_error("INetFwRules::Item", hr, err);
}

enum ecsb_status ecsb_cp_firewall_lookup(unsigned port, struct ecsb_error *err)
{
    char reference[48];
    snprintf(reference, sizeof reference, ECSB_CP_FIREWALL_RULE_REFERENCE, port);
    struct firewall f;
    enum ecsb_status st = firewall_open(&f, err);
    if (st == ECSB_OK && (st = find_rule(&f, ECSB_CP_FIREWALL_RULE, err)) == ECSB_ERR_NOT_FOUND)
        st = find_rule(&f, reference, err);
    firewall_close(&f);
    return st;
}

/* The properties hostsetup.ps1's New-NetFirewallRule gives it. The protocol goes before the
 * port: a port on a rule without TCP/UDP is refused. */
static HRESULT describe_rule(INetFwRule *rule, unsigned port)
{
    char ports[8];
    snprintf(ports, sizeof ports, "%u", port);
    BSTR name = bstr(ECSB_CP_FIREWALL_RULE), group = bstr("Amazon ECS"), local = bstr(ports),
         description = bstr("Task IAM role credentials for containers: the port proxy 169.254.170.2:80 "
                            "forwards to the ECS agent here. Added by ecs-bootstrap.");
    HRESULT hr = INetFwRule_put_Name(rule, name);
    if (SUCCEEDED(hr))
        hr = INetFwRule_put_Description(rule, description);
    if (SUCCEEDED(hr))
        hr = INetFwRule_put_Grouping(rule, group);
    if (SUCCEEDED(hr))
        hr = INetFwRule_put_Protocol(rule, NET_FW_IP_PROTOCOL_TCP);
    if (SUCCEEDED(hr))
        hr = INetFwRule_put_LocalPorts(rule, local);
    if (SUCCEEDED(hr))
        hr = INetFwRule_put_Direction(rule, NET_FW_RULE_DIR_IN);
    if (SUCCEEDED(hr))
        hr = INetFwRule_put_Action(rule, NET_FW_ACTION_ALLOW);
    if (SUCCEEDED(hr))
        hr = INetFwRule_put_Profiles(rule, NET_FW_PROFILE2_ALL);
    if (SUCCEEDED(hr))
        hr = INetFwRule_put_Enabled(rule, VARIANT_TRUE);
    SysFreeString(name);
    SysFreeString(group);
    SysFreeString(local);
    SysFreeString(description);
    return hr;
}

enum ecsb_status ecsb_cp_firewall_add(unsigned port, struct ecsb_error *err)
{
    struct firewall f;
    enum ecsb_status st = firewall_open(&f, err);
    if (st != ECSB_OK)
        return st;
    INetFwRule *rule = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_NetFwRule, NULL, CLSCTX_INPROC_SERVER, &IID_INetFwRule, (void **)&rule);
    if (SUCCEEDED(hr))
        hr = describe_rule(rule, port);
    if (SUCCEEDED(hr))
        hr = INetFwRules_Add(f.rules, rule);
    if (rule)
        INetFwRule_Release(rule);
    if (FAILED(hr))
        st = com_error("adding the firewall rule (INetFwRules::Add)", hr, err);
    else if ((st = find_rule(&f, ECSB_CP_FIREWALL_RULE, err)) == ECSB_ERR_NOT_FOUND)
        st = ecsb_error_set(err, ECSB_ERR_PLATFORM, "the firewall rule '%s' was added but is not there afterwards",
                            ECSB_CP_FIREWALL_RULE);
    firewall_close(&f);
    return st;
}
