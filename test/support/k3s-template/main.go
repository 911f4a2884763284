// The independent half of test/providers/k3s-template.spec.ts, standard library only (`go run main.go …`):
//
//	render TEMPLATE BASE  renders a containerd config template as k3s does: Go's text/template, the template named
//	                      "compiled_template", k3s's base defined beside it as "base", executed with data shaped like
//	                      k3s's ContainerdConfig. Prints the result, or the template error and exit 1.
//	keys GOFILE STRUCT…   the TOML keys of the named structs of a Go source file (containerd's own config types, from
//	                      the Go module cache): JSON {"Struct": ["key", …]}.
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"strconv"
	"strings"
	"text/template"
)

// k3s's template data (pkg/agent/templates/templates.go:25-36, ContainerdConfig, at k3s main cacc6d62), with the
// config.Node fields its templates read, filled as on a single k3s node. Field names and types as k3s has them, so
// a template that reads any of them renders as on the node; the values match the generated config the spec hands in.
type containerd struct {
	Address, Root, Opt, State, Registry, Template, BlockIOConfig, RDTConfig string
}
type agent struct {
	Snapshotter, PauseImage, CNIBinDir, CNIConfDir, ImageServiceSocket string
}
type node struct {
	Containerd     containerd
	AgentConfig    agent
	SELinux        bool
	DefaultRuntime string
	NoFlannel      bool
}
type runtimeConfig struct{ RuntimeType, BinaryName string }
type containerdConfig struct {
	NodeConfig            *node
	DisableCgroup         bool
	SystemdCgroup         bool
	IsRunningInUserNS     bool
	EnableUnprivileged    bool
	NoDefaultEndpoint     bool
	NonrootDevices        bool
	PrivateRegistryConfig any
	ExtraRuntimes         map[string]runtimeConfig
	Program               string
}

func data() containerdConfig {
	return containerdConfig{
		NodeConfig: &node{
			Containerd: containerd{
				Address: "unix:///run/k3s/containerd/containerd.sock", Root: "/var/lib/rancher/k3s/agent/containerd",
				Opt: "/var/lib/rancher/k3s/agent/containerd", State: "/run/k3s/containerd",
				Registry: "/var/lib/rancher/k3s/agent/etc/containerd/certs.d", Template: "/var/lib/rancher/k3s/agent/etc/containerd",
			},
			AgentConfig: agent{
				Snapshotter: "overlayfs", PauseImage: "rancher/mirrored-pause:3.6",
				CNIBinDir: "/var/lib/rancher/k3s/data/cni", CNIConfDir: "/var/lib/rancher/k3s/agent/etc/cni/net.d",
			},
		},
		SystemdCgroup: true, EnableUnprivileged: true, Program: "k3s",
	}
}

// k3s's template functions the base templates call (deschemify: the socket address without its unix:// scheme).
var funcs = template.FuncMap{"deschemify": func(s string) string { return strings.TrimPrefix(s, "unix://") }}

func render(userFile, baseFile string) error {
	user, err := os.ReadFile(userFile)
	if err != nil {
		return err
	}
	base, err := os.ReadFile(baseFile)
	if err != nil {
		return err
	}
	// As k3s's ParseTemplateFromConfig: the user's template, with the base defined as "base" beside it.
	t, err := template.New("compiled_template").Funcs(funcs).Parse(string(user))
	if err != nil {
		return err
	}
	if _, err := t.New("base").Parse(string(base)); err != nil {
		return err
	}
	return t.Execute(os.Stdout, data())
}

func keys(file string, names []string) error {
	parsed, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		return err
	}
	found := map[string][]string{}
	ast.Inspect(parsed, func(n ast.Node) bool {
		spec, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		st, ok := spec.Type.(*ast.StructType)
		if !ok {
			return true
		}
		for _, name := range names {
			if spec.Name.Name != name {
				continue
			}
			list := []string{}
			for _, field := range st.Fields.List {
				if field.Tag == nil {
					continue
				}
				tag, _ := strconv.Unquote(field.Tag.Value)
				key := strings.Split(reflect.StructTag(tag).Get("toml"), ",")[0]
				if key != "" && key != "-" {
					list = append(list, key)
				}
			}
			found[name] = list
		}
		return true
	})
	for _, name := range names {
		if _, ok := found[name]; !ok {
			return fmt.Errorf("%s: no struct %s", file, name)
		}
	}
	return json.NewEncoder(os.Stdout).Encode(found)
}

func main() {
	var err error
	switch {
	case len(os.Args) == 4 && os.Args[1] == "render":
		err = render(os.Args[2], os.Args[3])
	case len(os.Args) >= 4 && os.Args[1] == "keys":
		err = keys(os.Args[2], os.Args[3:])
	default:
		err = fmt.Errorf("usage: render TEMPLATE BASE | keys GOFILE STRUCT…")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
