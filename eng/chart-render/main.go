// A stand-in for `helm template` where there is no helm: the chart's templates executed by Go's text/template with
// sprig and helm's own additions (include, required, fail, toYaml, lookup answering nothing), values coalesced as helm
// coalesces them, and every document parsed back as strict YAML. It catches what reading the templates as text cannot
// (a function given the wrong argument, a nil where a map was expected, output that is not YAML); it is not helm, and
// does not check the objects against Kubernetes or values against values.schema.json. Run it with eng/chart-render.sh.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"github.com/ghodss/yaml" // what sigs.k8s.io/yaml, helm's own, grew from
)

func load(path string) map[string]interface{} {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	return m
}

func coalesce(dst, src map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range dst {
		out[k] = v
	}
	for k, v := range src {
		if v == nil {
			delete(out, k)
			continue
		}
		if sm, ok := v.(map[string]interface{}); ok {
			if dm, ok := out[k].(map[string]interface{}); ok {
				out[k] = coalesce(dm, sm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

func main() {
	chart := os.Args[1]
	values := load(filepath.Join(chart, "values.yaml"))
	for _, f := range os.Args[2:] {
		values = coalesce(values, load(f))
	}
	ch := load(filepath.Join(chart, "Chart.yaml"))
	top := map[string]interface{}{
		"Values":  values,
		"Release": map[string]interface{}{"Name": "cxc", "Namespace": "contact", "Service": "Helm", "IsInstall": true},
		"Chart":   map[string]interface{}{"Name": ch["name"], "Version": ch["version"], "AppVersion": ch["appVersion"]},
	}
	t := template.New("gotpl").Option("missingkey=zero")
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = func(v interface{}) string {
		b, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(b), "\n")
	}
	funcs["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil || v == "" {
			return v, errors.New(msg)
		}
		return v, nil
	}
	funcs["fail"] = func(msg string) (string, error) { return "", errors.New(msg) }
	funcs["lookup"] = func(a, b, c, d string) (map[string]interface{}, error) { return map[string]interface{}{}, nil }
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	t.Funcs(funcs)
	files, _ := filepath.Glob(filepath.Join(chart, "templates", "*"))
	sort.Strings(files)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if _, err := t.New(filepath.Base(f)).Parse(string(b)); err != nil {
			fmt.Fprintln(os.Stderr, "PARSE", err)
			os.Exit(1)
		}
	}
	failed := false
	for _, f := range files {
		name := filepath.Base(f)
		if strings.HasPrefix(name, "_") {
			continue
		}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, name, top); err != nil {
			fmt.Fprintln(os.Stderr, "EXEC", name, err)
			failed = true
			continue
		}
		if name == "NOTES.txt" {
			fmt.Fprintln(os.Stderr, "---- NOTES\n"+buf.String())
			continue
		}
		for _, doc := range strings.Split(buf.String(), "\n---") {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			var obj map[string]interface{}
			if err := yaml.UnmarshalStrict([]byte(doc), &obj); err != nil {
				fmt.Fprintln(os.Stderr, "YAML", name, err, "\n", doc)
				failed = true
				continue
			}
			if obj == nil {
				continue
			}
			fmt.Printf("---\n# Source: %s\n%s\n", name, strings.TrimSpace(doc))
		}
	}
	if failed {
		os.Exit(1)
	}
}
