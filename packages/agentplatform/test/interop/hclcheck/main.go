// hclcheck reads HCL on stdin with HashiCorp's own parser (github.com/hashicorp/hcl/v2, what a Go platform
// uses) and prints it as JSON, so the tests can hold the SDK's HCL to the strictest reader there is.
//
//	hclcheck manifest  decodes a plugin manifest with gohcl into the manifest reference's shape. Like any
//	                   gohcl decoder, it refuses attributes and blocks that shape does not define, and values
//	                   of the wrong type (a bool `default`, a number in `options`).
//	hclcheck generic   evaluates every attribute (literals only: an interpolation fails, as it has no
//	                   variables) and prints {"attributes": {...}, "blocks": [{"type", "labels", "body"}]}.
//
// Diagnostics go to stderr with exit code 1.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

type manifest struct {
	Plugin pluginBlock `hcl:"plugin,block"`
}

type pluginBlock struct {
	Name         string        `hcl:"name,label" json:"name"`
	Version      string        `hcl:"version" json:"version"`
	Description  string        `hcl:"description" json:"description"`
	Author       string        `hcl:"author" json:"author"`
	Icon         *string       `hcl:"icon,optional" json:"icon,omitempty"`
	Type         string        `hcl:"type" json:"type"`
	ConfigSchema *configSchema `hcl:"config_schema,block" json:"config_schema,omitempty"`
}

type configSchema struct {
	Fields []fieldDef `hcl:"field,block" json:"fields"`
}

// fieldDef is the manifest reference's field: every value a string but `required` (bool) and `options` (list).
type fieldDef struct {
	Name        string   `hcl:"name,label" json:"name"`
	Type        string   `hcl:"type" json:"type"`
	UIType      *string  `hcl:"ui_type,optional" json:"ui_type,omitempty"`
	Required    *bool    `hcl:"required,optional" json:"required,omitempty"`
	Default     *string  `hcl:"default,optional" json:"default,omitempty"`
	Description *string  `hcl:"description,optional" json:"description,omitempty"`
	Options     []string `hcl:"options,optional" json:"options,omitempty"`
	Pattern     *string  `hcl:"pattern,optional" json:"pattern,omitempty"`
	Placeholder *string  `hcl:"placeholder,optional" json:"placeholder,omitempty"`
	APISource   *string  `hcl:"api_source,optional" json:"api_source,omitempty"`
}

type genericBlock struct {
	Type   string      `json:"type"`
	Labels []string    `json:"labels"`
	Body   genericBody `json:"body"`
}

type genericBody struct {
	Attributes map[string]json.RawMessage `json:"attributes"`
	Blocks     []genericBlock             `json:"blocks"`
}

func generic(body *hclsyntax.Body) (genericBody, hcl.Diagnostics) {
	out := genericBody{Attributes: map[string]json.RawMessage{}, Blocks: []genericBlock{}}
	var diags hcl.Diagnostics
	for name, attr := range body.Attributes {
		value, d := attr.Expr.Value(nil)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		raw, err := ctyjson.Marshal(value, value.Type())
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: err.Error()})
			continue
		}
		out.Attributes[name] = raw
	}
	for _, block := range body.Blocks {
		inner, d := generic(block.Body)
		diags = append(diags, d...)
		out.Blocks = append(out.Blocks, genericBlock{Type: block.Type, Labels: block.Labels, Body: inner})
	}
	return out, diags
}

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "manifest" && os.Args[1] != "generic") {
		fmt.Fprintln(os.Stderr, "usage: hclcheck manifest|generic < file.hcl")
		os.Exit(2)
	}
	src, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	file, diags := hclsyntax.ParseConfig(src, "stdin.hcl", hcl.Pos{Line: 1, Column: 1})
	var result any
	if !diags.HasErrors() {
		if os.Args[1] == "manifest" {
			var m manifest
			diags = append(diags, gohcl.DecodeBody(file.Body, nil, &m)...)
			result = m.Plugin
		} else {
			var body genericBody
			body, diags = generic(file.Body.(*hclsyntax.Body))
			result = body
		}
	}
	if diags.HasErrors() {
		for _, d := range diags {
			fmt.Fprintln(os.Stderr, d.Error())
		}
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(result); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
