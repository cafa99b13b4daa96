package dev.tollgate.rego.builtins;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegexAndGlobBuiltinsTest {

  @ParameterizedTest(name = "{0}{1} = {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      regex.match    | ["^[a-z]+\\\\[[0-9]+\\\\]$", "foo[1]"]     | true
      regex.match    | ["^[a-z]+\\\\[[0-9]+\\\\]$", "foo[\\"bar\\"]"] | false
      re_match       | ["^b.*$", "bar"]                          | true
      regex.match    | ["][", "x"]                               | !fail: error parsing regexp: missing closing ]: `[`
      regex.match    | ["a)", "x"]                               | !fail: error parsing regexp: unexpected ): `a)`
      regex.match    | ["a++", "x"]                              | !fail: error parsing regexp: invalid nested repetition operator: `++`
      regex.match    | [1, "x"]                                  | !type: operand 1 must be string but got number
      regex.is_valid | ["++"]                                    | false
      regex.is_valid | ["a+"]                                    | true
      regex.is_valid | [1]                                       | false
      regex.find_n   | ["a.", "paranormal", -1]                  | ["ar", "an", "al"]
      regex.find_n   | ["a.", "paranormal", 2]                   | ["ar", "an"]
      regex.find_n   | ["a.", "paranormal", 0]                   | []
      regex.find_n   | ["a*", "baaac", -1]                       | ["", "aaa", ""]
      regex.find_n   | ["^a", "aaa", -1]                         | ["a"]
      regex.find_n   | [".", "é😀", -1]                            | ["é", "😀"]
      regex.find_n   | ["a.", "paranormal", 1.5]                 | !type: operand 3 must be integer number but got floating-point number
      regex.find_all_string_submatch_n | ["a(x*)b", "-ab-axb-", -1] | [["ab", ""], ["axb", "x"]]
      regex.find_all_string_submatch_n | ["a(x*)b", "-", -1]   | []
      regex.find_all_string_submatch_n | ~["(a)|(b)", "ab", -1]~ | [["a", "a", ""], ["b", "", "b"]]
      regex.find_all_string_submatch_n | ["[^aouiye]([aouiye])([^aouiye])?", "somestri", 1] | [["som", "o", "m"]]
      regex.split    | ["a", "banana"]                           | ["b", "n", "n", ""]
      regex.split    | ["z+", "pizza"]                           | ["pi", "a"]
      regex.split    | ["", "abc"]                               | ["a", "b", "c"]
      regex.split    | ["x*", ""]                                | [""]
      regex.split    | ["^[a-z]+$", ""]                          | [""]
      regex.replace  | ["foo bar", "o+", "0"]                    | "f0 bar"
      regex.replace  | ["abc", "x*", "-"]                        | "-a-b-c-"
      regex.replace  | ["a-b", "(\\\\w)-(\\\\w)", "$2-$1"]       | "b-a"
      regex.replace  | ["ab", "(?P<first>a)", "${first}x"]       | "axb"
      regex.replace  | ["ab", "(a)", "$1x"]                      | "b"
      regex.replace  | ["ab", "(a)", "${1}x"]                    | "axb"
      regex.replace  | ["ab", "a", "$$"]                         | "$b"
      regex.replace  | ["ab", "a", "$"]                          | "$b"
      regex.replace  | ["aaa", "^a", "b"]                        | "baa"
      regex.replace  | ["ab", "(?P<n>x)?(?P<n>a)", "[${n}]"]     | "[a]b"
      regex.replace  | ["ab", "(?P<n>a)(?P<n>b)", "[$n]"]        | "[a]"
      regex.replace  | ["(?P<n>a", "\\\\Q(?P<n>\\\\E(?P<n>a)", "[$n]"] | "[a]"
      regex.find_all_string_submatch_n | ["(?P<n>a)(?P<n>b)", "ab", -1] | [["ab", "a", "b"]]
      regex.template_match | ["urn:foo:{.*}", "urn:foo:bar:baz", "{", "}"] | true
      regex.template_match | ["urn:foo:<[0-9]{2}>", "urn:foo:123", "<", ">"] | false
      regex.template_match | ["urn:foo:<[0-9]{2}>", "urn:foo:12", "<", ">"]  | true
      regex.template_match | ["urn.{[a-z]+}", "urnxabc", "{", "}"]  | false
      regex.template_match | ["urn:{.*", "x", "{", "}"]             | !fail: unbalanced braces in "urn:{.*"
      regex.template_match | ["a", "a", "{{", "}"]                 | !fail: start delimiter has to be exactly one character long but is 2 long
      regex.template_match | ["a{[}", "a", "{", "}"]                | !fail: error parsing regexp: missing closing ]: `[$`
      regex.globs_match | ["a.a.[0-9]+z", ".b.b2359825792*594823z"] | true
      regex.globs_match | ["[a-z]+", "[0-9]*"]                     | false
      regex.globs_match | ["b.*", "bar"]                           | true
      regex.globs_match | ["[a-z]+\\\\[[0-9]+\\\\]", "foo\\\\[1\\\\]"] | true
      regex.globs_match | ["[a-z]+\\\\[[0-9]+\\\\]", "foo[\\"bar\\"]"] | false
      regex.globs_match | ["ab*", "a"]                             | true
      regex.globs_match | ["abc", "ab"]                            | false
      regex.globs_match | [".*", ""]                               | false
      regex.globs_match | ["a+b", "a*c"]                           | false
      regex.globs_match | ["[a-c]+", "[c-e]+"]                     | true
      regex.globs_match | ["pqrs]", "[a-b]+"]                      | !fail: input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid
      regex.globs_match | ["a**", "a"]                             | !fail: input:a**, pos:3, flag '*' must be preceded by a non-flag: the input provided is invalid
      regex.globs_match | ["a", "[ab"]                             | !fail: input:[ab, pos:3, found [ without matching ]: the input provided is invalid
      regex.globs_match | ["a", "[z-a]"]                           | !fail: range is out of order: 'a' comes before 'z' in Unicode
      glob.match     | ["*.github.com", ["."], "api.github.com"]     | true
      glob.match     | ["*.github.com", ["."], "api.cdn.github.com"] | false
      glob.match     | ["**.github.com", ["."], "api.cdn.github.com"] | true
      glob.match     | ["api.**.com", ["."], "api.cdn.github.com"] | true
      glob.match     | ["*:github:com", [":"], "api:github:com"]     | true
      glob.match     | ["/transfer", ["/"], "/transfer"]          | true
      glob.match     | ["/transfer", ["/"], "/transfer/"]         | false
      glob.match     | ["/transfer", ["/"], "/Transfer"]          | false
      glob.match     | ["/transactions/**", ["/"], "/transactions/2026/11"] | true
      glob.match     | ["/transactions/**", ["/"], "/transactions/"] | true
      glob.match     | ["/transactions/**", ["/"], "/transactions"] | false
      glob.match     | ["/transactions/**", ["/"], "/transactionsX"] | false
      glob.match     | ["**", ["/"], ""]                           | true
      glob.match     | ["", ["/"], ""]                             | true
      glob.match     | ["", ["/"], "a"]                            | false
      glob.match     | ["a/*/**", ["/"], "a/b/c"]                 | true
      glob.match     | ["a/*/**", ["/"], "a/bc"]                  | false
      glob.match     | ["*", null, "foo.bar"]                     | true
      glob.match     | ["*", [], "foo.bar"]                       | false
      glob.match     | ["*", [], "foo"]                           | true
      glob.match     | ["[abc]at", [], "cat"]                     | true
      glob.match     | ["[!abc]at", [], "cat"]                    | false
      glob.match     | ["[!a-c]at", [], "fat"]                    | true
      glob.match     | ["[a-c]at", [], "fat"]                     | false
      glob.match     | ["?at", [], "at"]                          | false
      glob.match     | ["?at", ["f"], "fat"]                      | false
      glob.match     | ["{cat,bat,[fr]at}", [], "rat"]            | true
      glob.match     | ["{cat,bat,[fr]at}", [], "at"]             | false
      glob.match     | ["{a,{b,c}d}", [], "cd"]                   | true
      glob.match     | ["a\\\\*b", [], "a*b"]                     | true
      glob.match     | ["a\\\\*b", [], "axb"]                     | false
      glob.match     | ["a}b,c", [], "a}b,c"]                     | true
      glob.match     | ["{a,b", [], "b"]                          | !fail: glob: syntax error at 4: unclosed `{`
      glob.match     | ~["(a|b).c$", [], "(a|b).c$"]~ | true
      glob.match     | ["*", ["."], "line\\nbreak"]               | true
      glob.match     | ["[a-", [], "x"]                           | !fail: glob: syntax error at 3: unexpected end of input
      glob.match     | ["[abc", [], "x"]                          | !fail: glob: syntax error at 4: unexpected end of input
      glob.match     | ["[]", [], "x"]                            | !fail: glob: syntax error at 2: could not parse range
      glob.match     | ["[a-cx]", [], "x"]                        | !fail: glob: syntax error at 5: expected close range character
      glob.match     | ["[c-a]", [], "x"]                         | !fail: glob: syntax error at 5: range hi character is less than lo
      glob.match     | ["é[c-a]", [], "x"]                        | !fail: glob: syntax error at 7: range hi character is less than lo
      glob.match     | ["a\\\\", [], "x"]                     | !fail: glob: syntax error at 2: trailing backslash
      glob.match     | ["\\\\", [], "x"]                      | !fail: glob: syntax error at 1: trailing backslash
      glob.match     | ["*", ["ab"], "x"]                         | !type: operand 2 must be array of runes but got array containing string
      glob.match     | ["*", [1], "x"]                            | !type: operand 2 must be array of strings but got array containing number
      glob.match     | ["*", "x", "x"]                            | !type: operand 2 must be one of {array, null} but got string
      glob.quote_meta | ["*.github.com"]                          | "\\\\*.github.com"
      glob.quote_meta | ["{a,b}[c]?\\\\!"]                        | "\\\\{a,b\\\\}\\\\[c\\\\]\\\\?\\\\\\\\!"
      """)
  void table(String name, String args, String expected) throws BuiltinException {
    StringsTestSupport.check(name, args, expected);
  }
}
