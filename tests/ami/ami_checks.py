#!/usr/bin/env python3
"""Static checks of the AMI build (tests/ami/run.sh runs them). Each check prints
"ok   <what>" or "FAIL <what>: <why>"; the exit code is 1 when any failed.
  ami_checks.py ROOT pins        every pinned value is used; every variable is pinned or defaulted
  ami_checks.py ROOT images      each variant's image tags match its Windows build
  ami_checks.py ROOT steps       the Image Builder component runs the Packer build's steps
  ami_checks.py ROOT scripts     provisioners stay small and call only allowed commands
  ami_checks.py ROOT tags        AMI tags and manifest custom data mirror the SSM metadata fields
"""
import json
import os
import re
import sys

import yaml

RESULTS = []


def check(cond, what, why=""):
    RESULTS.append(bool(cond))
    print(("ok   %s" % what) if cond else ("FAIL %s: %s" % (what, why)))


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()


def strip_comments(text):
    return "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))


def parse_pkrvars(text):
    """The top-level assignments of a .pkrvars.hcl file: strings, lists, maps of those."""
    out, key, buf = {}, None, []
    def flush():
        if key is None:
            return
        raw = "\n".join(buf).strip()
        if raw.startswith("{"):
            pairs = re.findall(r'"([^"]+)"\s*=\s*(.+)', raw)
            out[key] = {k: json.loads(v.strip()) for k, v in pairs}
        else:
            out[key] = json.loads(raw)
    for line in strip_comments(text).splitlines():
        m = re.match(r"^([a-z_0-9]+)\s*=\s*(.*)$", line)
        if m:
            flush()
            key, buf = m.group(1), [m.group(2)]
        elif key is not None:
            buf.append(line)
    flush()
    return out


def parse_variables(text):
    """variable "name" { ... } blocks -> {name: has_default}."""
    out = {}
    for m in re.finditer(r'^variable "([a-z_0-9]+)" \{\n(.*?)^\}', text, re.S | re.M):
        out[m.group(1)] = re.search(r"^\s*default\s*=", m.group(2), re.M) is not None
    return out


def packer_steps(text):
    """The build's provisioners in order: ("script", name, env names) or ("reboot",)."""
    steps = []
    for m in re.finditer(r'^  provisioner "([a-z-]+)" \{\n(.*?)^  \}', text, re.S | re.M):
        kind, body = m.group(1), m.group(2)
        if kind == "windows-restart":
            steps.append(("reboot",))
        elif kind == "powershell":
            script = re.search(r'script\s*=\s*"[^"]*/scripts/([^"/]+\.ps1)"', body).group(1)
            env = re.findall(r'"([A-Z_0-9]+)=', body)
            steps.append(("script", script, tuple(sorted(env))))
    return steps


def component_steps(doc):
    steps = []
    for step in doc["phases"][0]["steps"]:
        if step["action"] == "Reboot":
            steps.append(("reboot",))
        elif step["action"] == "ExecutePowerShell":
            cmds = step["inputs"]["commands"]
            scripts = [s for c in cmds for s in re.findall(r"scripts\\+([^\\]+\.ps1)", c)]
            if not scripts:
                continue  # transport (extract, remove the zip): no build step
            env = [re.match(r"\$env:([A-Z_0-9]+)\s*=", c).group(1) for c in cmds if c.startswith("$env:")]
            steps.append(("script", scripts[0], tuple(sorted(env))))
    return steps


def pins(root):
    pinned = parse_pkrvars(read(root, "ami/versions.pkrvars.hcl"))
    declared = parse_variables(read(root, "ami/variables.pkr.hcl"))
    template = read(root, "ami/windows.pkr.hcl")
    used = set(re.findall(r"\bvar\.([a-z_0-9]+)", template))
    for key in sorted(pinned):
        check(key in declared, "pinned %s is a declared variable" % key, "not in ami/variables.pkr.hcl")
        check(key in used, "pinned %s is used by the template" % key, "no var.%s in ami/windows.pkr.hcl" % key)
        check(not declared.get(key, False), "pinned %s has no second default" % key,
              "its default in variables.pkr.hcl would shadow the one place it is pinned")
    for name, has_default in sorted(declared.items()):
        check(has_default or name in pinned, "variable %s is pinned or defaulted" % name,
              "set it in ami/versions.pkrvars.hcl")
        check(name in used, "variable %s is used by the template" % name, "declared but never used")
    for key, v in pinned.items():
        if key.endswith("_sha256"):
            check(re.fullmatch(r"[0-9a-f]{64}|unpinned", v), "%s is a SHA-256 or 'unpinned'" % key, v)
        if key.endswith("_version") or key == "ecsb_version":
            check(re.fullmatch(r"\d+\.\d+\.\d+", v), "%s = %s is an exact release" % (key, v), "pin x.y.z")
    mk = re.search(r"^ECSB_VERSION\s*:=\s*(\S+)", read(root, "config.mk"), re.M).group(1)
    check(pinned.get("ecsb_version") == mk, "ecsb_version equals config.mk ECSB_VERSION (%s)" % mk,
          "versions.pkrvars.hcl has %s" % pinned.get("ecsb_version"))
    variants = set(pinned["base_ami_filters"])
    for key in ("preload_images", "root_volume_gib"):
        check(set(pinned[key]) == variants, "%s covers every variant" % key, sorted(set(pinned[key]) ^ variants))
    for v, f in pinned["base_ami_filters"].items():
        year, ed = v.split("-")
        want = "Windows_Server-%s-English-%s-Base-*" % (year, ed.capitalize())
        check(f == want, "base filter of %s" % v, "%s, want %s" % (f, want))
    doc = yaml.safe_load(read(root, "ami/imagebuilder/ecs-bootstrap.yaml"))
    defaults = {k: v.get("default") for p in doc["parameters"] for k, v in p.items()}
    want = {"EcsbVersion": pinned["ecsb_version"], "DockerVersion": pinned["docker_version"],
            "DockerSha256": pinned["docker_sha256"], "EcsAgentVersion": pinned["ecs_agent_version"],
            "EcsAgentSha256": pinned["ecs_agent_sha256"],
            "PreloadImages": ",".join(pinned["preload_images"]["2022-core"])}
    for k, v in want.items():
        check(defaults.get(k) == v, "component default %s equals the pin" % k, "%r != %r" % (defaults.get(k), v))


NANO = {"2016": None, "2019": "1809", "2022": "ltsc2022", "2025": "ltsc2025"}


def images(root):
    pinned = parse_pkrvars(read(root, "ami/versions.pkrvars.hcl"))
    for variant, imgs in sorted(pinned["preload_images"].items()):
        year = variant.split("-")[0]
        bad = []
        for img in imgs:
            name, _, tag = img.rpartition(":")
            if name.endswith("/servercore") and tag != "ltsc" + year:
                bad.append(img)
            if name.endswith("/nanoserver") and tag != NANO[year]:
                bad.append(img)
            if not tag or "/" in tag:
                bad.append(img + " (no tag)")
        check(imgs and not bad, "images of %s match Windows Server %s" % (variant, year), bad)


def steps(root):
    pk = packer_steps(read(root, "ami/windows.pkr.hcl"))
    ib = component_steps(yaml.safe_load(read(root, "ami/imagebuilder/ecs-bootstrap.yaml")))
    only_packer = [s for s in pk if s[0] == "script" and s[1] == "08-sysprep.ps1"]
    check(len(only_packer) == 1 and pk[-1] == only_packer[0], "Packer ends with 08-sysprep (Image Builder generalizes itself)",
          pk[-1:])
    want = [s for s in pk if s not in only_packer]
    check(len(want) >= 8, "the Packer build has its steps (%d)" % len(want), want)
    check(ib == want, "Image Builder runs exactly the Packer steps, in order, with the same inputs",
          "\n  packer: %s\n  imagebuilder: %s" % (want, ib))
    scripts = sorted(f for f in os.listdir(os.path.join(root, "ami/scripts")) if re.match(r"\d\d-", f))
    check(scripts == sorted(s[1] for s in pk if s[0] == "script"), "every numbered script is a Packer step", scripts)
    for s in pk:
        if s[0] != "script":
            continue
        text = read(root, "ami/scripts/" + s[1])
        reads = set(re.findall(r"\$env:(\w+)", text)) - {"TEMP", "ProgramFiles", "PSModulePath"}
        check(reads == set(s[2]), "%s gets exactly the inputs it reads" % s[1],
              "reads %s, given %s" % (sorted(reads), list(s[2])))


# Documented cmdlets the provisioners may call, and the executables (ours first).
CMDLETS = {
    "Add-MpPreference", "Copy-Item", "Expand-Archive", "Get-ChildItem", "Get-Command", "Get-Content",
    "Get-FileHash", "Get-Item", "Get-ItemProperty", "Get-Module", "Get-NetFirewallRule", "Get-Service", "Get-WindowsFeature",
    "Install-WindowsFeature", "Invoke-WebRequest", "Join-Path", "New-Item", "New-NetFirewallRule",
    "New-SelfSignedCertificate", "Out-Null", "Remove-Item", "Remove-NetFirewallRule", "Restart-Service",
    "Set-Content", "Set-Item", "Set-ItemProperty", "Set-Service", "Start-Process", "Start-Service",
    "Stop-Service", "Test-Path", "Write-Output", "Where-Object", "Start-Sleep", "New-ScheduledTaskAction",
    "Register-ScheduledTask", "Start-ScheduledTask", "Unregister-ScheduledTask",
}
EXES = {"ecs-bootstrap.exe", "dockerd.exe", "msiexec.exe", "EC2Launch.exe", "powershell.exe"}
STATIC = {"[string]::IsNullOrWhiteSpace", "[regex]::Escape", "[Net.ServicePointManager]::SecurityProtocol",
          "[Net.SecurityProtocolType]::Tls12"}
MAX_LINES = 30  # statements, comments and blank lines excluded


def scripts(root):
    d = os.path.join(root, "ami/scripts")
    for f in sorted(os.listdir(d)):
        if not f.endswith(".ps1"):
            continue
        text = read(root, "ami/scripts/" + f)
        code = [l for l in text.splitlines() if l.strip() and not l.lstrip().startswith("#")]
        check(len(code) <= MAX_LINES, "%s is small (%d code lines)" % (f, len(code)), "over %d" % MAX_LINES)
        body = "\n".join(code)
        body_nostr = re.sub(r"'[^']*'", "''", body)  # single-quoted literals are data, not calls
        cmdlets = set(re.findall(r"(?<![\w$:-])([A-Z][a-z]+-[A-Z][A-Za-z]+)\b", body_nostr))
        check(cmdlets <= CMDLETS, "%s calls only listed cmdlets" % f, sorted(cmdlets - CMDLETS))
        exes = set(re.findall(r"([\w-]+\.exe)\b", body))
        check(exes <= EXES, "%s runs only listed executables" % f, sorted(exes - EXES))
        statics = set(re.findall(r"(\[[\w.]+\]::\w+)", body))
        check(statics <= STATIC, "%s uses only listed .NET calls" % f, sorted(statics - STATIC))
        # Every `& X` runs one of ours or a listed program: $exe is ecs-bootstrap.exe,
        # $v2 EC2Launch.exe; otherwise the program is named on the line itself.
        calls = re.findall(r"(?:^|[;{(])\s*&\s*([^\n]+)", body, re.M)
        bad = [c for c in calls if not (re.match(r"\$(exe|v2)\b", c) or any(e in c for e in EXES)
                                        or "InitializeInstance.ps1" in c or "SysprepInstance.ps1" in c or c.startswith("'$v2'"))]
        check(not bad, "%s invokes only our binaries and listed programs with &" % f, bad)
        check("$exe = " not in body or "ecs-bootstrap.exe" in body.split("$exe = ", 1)[1].split("\n")[0],
              "%s: $exe is ecs-bootstrap.exe" % f, "$exe assigned something else")


# The SSM value's fields (docs/ami-metadata.md); image_id is the AMI itself, not a tag.
SSM_FIELDS = {"ecs_agent_version", "ecs_runtime_version", "image_id", "image_name", "image_version", "os",
              "schema_version", "source_image_name"}


def tags(root):
    text = read(root, "ami/windows.pkr.hcl")
    meta = set(re.findall(r"^\s+([a-z_]+)\s+=", re.search(r"metadata = \{\n(.*?)\n  \}", text, re.S).group(1), re.M))
    tag_block = re.search(r"tags = merge\(local\.metadata, \{\n(.*?)\}\)", text, re.S).group(1)
    custom = re.search(r"custom_data = merge\(local\.metadata, \{\n(.*?)\}\)", text, re.S).group(1)
    want = SSM_FIELDS - {"image_id"}
    check(meta | {"source_image_name"} == want, "local.metadata holds the SSM fields", sorted(meta ^ want))
    check("source_image_name" in tag_block and "SourceAMIName" in tag_block,
          "AMI tags: the SSM fields, source_image_name from the source AMI", tag_block)
    check("source_image_name" in custom and "build.SourceAMIName" in custom,
          "manifest custom_data: the SSM fields, source_image_name from the build", custom)


def main():
    root, what = sys.argv[1], sys.argv[2]
    {"pins": pins, "images": images, "steps": steps, "scripts": scripts, "tags": tags}[what](root)
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
