package dev.tollgate.rego.builtins;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** strings.render_template against Go text/template output for JSON-decoded variables. */
class RenderTemplateTest {

  @ParameterizedTest(name = "{0} with {1} = {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      hello {{.name}}!                          | {"name": "world"}              | "hello world!"
      {{.a.b}} {{.n}} {{.f}} {{.t}}             | {"a": {"b": "x"}, "n": 1, "f": 2.5, "t": true} | "x 1 2.5 true"
      {{.list}} {{.obj}} {{.nil}}               | {"list": [1, "a"], "obj": {"k": [true]}, "nil": null} | "[1 a] map[k:[true]] <no value>"
      {{range .list}}<{{.}}>{{end}}             | {"list": [1, 2, 3]}            | "<1><2><3>"
      {{range $i, $v := .list}}{{$i}}={{$v}};{{end}} | {"list": ["a", "b"]}      | "0=a;1=b;"
      {{range $k, $v := .m}}{{$k}}:{{$v}} {{end}} | {"m": {"b": 2, "a": 1}}      | "a:1 b:2 "
      {{range .list}}x{{else}}empty{{end}}      | {"list": []}                   | "empty"
      {{range .list}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}} | {"list": ["a", "b", "c"]} | "a"
      {{range .list}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}} | {"list": ["a", "b", "c"]} | "ac"
      {{if .ok}}yes{{else}}no{{end}}            | {"ok": false}                  | "no"
      {{if .s}}yes{{else if .t}}t{{else}}no{{end}} | {"s": "", "t": [1]}         | "t"
      {{if and .a .b}}both{{end}}{{if or .a .b}}one{{end}}{{if not .b}}!b{{end}} | {"a": true, "b": false} | "one!b"
      {{with .user}}{{.name}}{{else}}anon{{end}} | {"user": {"name": "ann"}}     | "ann"
      {{with .user}}{{.name}}{{else}}anon{{end}} | {"user": null}                | "anon"
      {{len .list}} {{len .s}} {{index .list 1}} {{index .m "k"}} | {"list": [1, 2], "s": "héllo", "m": {"k": "v"}} | "2 6 2 v"
      {{$x := .a}}{{$x}}{{$x = "z"}}{{$x}}        | {"a": "y"}                    | "yz"
      ~{{.a | printf "%s!"}} {{printf "%d-%v" 3 .a}}~ | {"a": "q"}                  | "q! 3-q"
      ~{{print "a" 1 2 "b"}}|{{println "x" 1}}~     | {} | ~"a1 2b|x 1\\n"~
      a  {{- " b " -}}  c                        | {}                            | "a b c"
      x{{/* a comment */}}y                      | {}                            | "xy"
      {{(index .list 0).name}}                   | {"list": [{"name": "n"}]}     | "n"
      {{if lt 1 2}}lt{{end}} {{if eq .n "5"}}num-is-text{{end}} | {"n": 5}         | "lt num-is-text"
      {{.missing}}                               | {}                            | !fail: template: template:1:2: executing "template" at <.missing>: map has no entry for key "missing"
      {{.a.b}}                                   | {"a": "s"}                    | !fail: can't evaluate field b in type string
      {{.a                                       | {}                            | !fail: template: template:1: unclosed action
      {{if .a}}x                                 | {"a": 1}                      | !fail: unexpected EOF
      {{nope 1}}                                 | {}                            | !fail: function "nope" not defined
      {{eq .a 1}}                                | {"a": "1"}                    | !fail: incompatible types for comparison
      {{template "x"}}                           | {}                            | !fail: is not supported
      {{99999999999999999999}}                   | {}                            | "1e+20"
      """)
  void renders(String template, String vars, String expected) throws BuiltinException {
    check(template, vars, expected);
  }

  @org.junit.jupiter.api.Test
  void deepNestingIsAnErrorNotAStackOverflow() throws BuiltinException {
    String deep = "{{if true}}".repeat(5000) + "x" + "{{end}}".repeat(5000);
    check(deep, "{}", "!fail: max nesting depth of 500 exceeded");
    String parens = "{{" + "(".repeat(5000) + "1" + ")".repeat(5000) + "}}";
    check(parens, "{}", "!fail: max nesting depth of 500 exceeded");
  }

  private static void check(String template, String vars, String expected) throws BuiltinException {
    String args = "[" + dev.tollgate.rego.value.Json.write(
        dev.tollgate.rego.value.StringValue.of(template)) + ", " + vars + "]";
    StringsTestSupport.check("strings.render_template", args, expected);
  }
}
