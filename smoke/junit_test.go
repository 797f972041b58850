package smoke

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// node is a generic XML element.
type node struct {
	name  string
	attrs map[string]string
	kids  []*node
	text  string
}

func parseXML(t *testing.T, b []byte) *node {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case xml.StartElement:
			n := &node{name: v.Name.Local, attrs: map[string]string{}}
			for _, a := range v.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(v)
			}
		}
	}
	if root == nil {
		t.Fatal("no XML root")
	}
	return root
}

// Attributes each schema declares (Ant's JUnit.xsd; Jenkins' junit plugin
// junit-10.xsd, a superset), and those Ant requires.
var (
	antSuiteAttrs     = set("name", "tests", "failures", "errors", "time", "timestamp", "hostname", "package", "id")
	jenkinsSuiteAttrs = set("name", "tests", "failures", "errors", "skipped", "time", "timestamp", "hostname", "package", "id", "file", "log", "url", "version", "group", "assertions", "disabled")
	antCaseAttrs      = set("name", "classname", "time")
	jenkinsCaseAttrs  = set("name", "classname", "time", "assertions", "status", "file", "line")
	antTimestamp      = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$`)
)

func set(s ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range s {
		m[x] = true
	}
	return m
}

// checkJUnit checks a document against the Ant and Jenkins JUnit schemas'
// structure: required attributes, allowed attributes, element order and
// counts.
func checkJUnit(doc *node) []string {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }
	if doc.name != "testsuites" {
		bad("root %s", doc.name)
	}
	for _, s := range doc.kids {
		if s.name != "testsuite" {
			bad("testsuites holds %s", s.name)
			continue
		}
		for a := range antSuiteAttrs {
			if _, ok := s.attrs[a]; !ok {
				bad("testsuite lacks %s (Ant requires it)", a)
			}
		}
		for a := range s.attrs {
			if !antSuiteAttrs[a] || !jenkinsSuiteAttrs[a] {
				bad("testsuite attribute %s not in both schemas", a)
			}
		}
		if !antTimestamp.MatchString(s.attrs["timestamp"]) {
			bad("timestamp %q not ISO 8601 without zone", s.attrs["timestamp"])
		}
		if s.attrs["hostname"] == "" {
			bad("empty hostname")
		}
		for _, a := range []string{"tests", "failures", "errors", "id"} {
			if _, err := strconv.Atoi(s.attrs[a]); err != nil {
				bad("%s=%q not an integer", a, s.attrs[a])
			}
		}
		if _, err := strconv.ParseFloat(s.attrs["time"], 64); err != nil {
			bad("time=%q", s.attrs["time"])
		}
		// properties, testcase*, system-out, system-err.
		var order []string
		cases, fails, errors := 0, 0, 0
		for _, k := range s.kids {
			if len(order) == 0 || order[len(order)-1] != k.name {
				order = append(order, k.name)
			}
			switch k.name {
			case "properties":
				for _, p := range k.kids {
					if p.name != "property" || p.attrs["name"] == "" {
						bad("bad property %+v", p)
					}
					if _, ok := p.attrs["value"]; !ok {
						bad("property %s without value", p.attrs["name"])
					}
				}
			case "testcase":
				cases++
				for a := range antCaseAttrs {
					if _, ok := k.attrs[a]; !ok {
						bad("testcase lacks %s", a)
					}
				}
				for a := range k.attrs {
					if !antCaseAttrs[a] || !jenkinsCaseAttrs[a] {
						bad("testcase attribute %s not in both schemas", a)
					}
				}
				if len(k.kids) > 1 {
					bad("testcase with %d children (Ant allows one error or failure)", len(k.kids))
				}
				for _, f := range k.kids {
					switch f.name {
					case "failure":
						fails++
					case "error":
						errors++
					default:
						bad("testcase child %s", f.name)
					}
					if f.attrs["type"] == "" {
						bad("%s without type", f.name)
					}
				}
			}
		}
		if strings.Join(order, ",") != "properties,testcase,system-out,system-err" {
			bad("testsuite children in order %v", order)
		}
		if fmt.Sprint(cases) != s.attrs["tests"] || fmt.Sprint(fails) != s.attrs["failures"] || fmt.Sprint(errors) != s.attrs["errors"] {
			bad("counts tests=%s failures=%s errors=%s, found %d %d %d", s.attrs["tests"], s.attrs["failures"], s.attrs["errors"], cases, fails, errors)
		}
	}
	return errs
}

func TestJUnitSchemas(t *testing.T) {
	e := &fakeEnv{}
	s := NewSession(Config{Steps: steps(t, "expect ok\nexpect never\nsend x\n")}, e)
	s.Start()
	feed(s, e, "ok\r\nboot log \x01 with a control byte\r\n")
	failed := NewReport(s.Finish("budget", e.now, e.insns), Meta{Version: "v", Name: "k", Initrd: "rd.cpio"})
	e = &fakeEnv{}
	s = NewSession(Config{Steps: steps(t, "expect ok\n")}, e)
	s.Start()
	feed(s, e, "ok\r\n")
	passed := NewReport(s.Finish("stopped", e.now, e.insns), Meta{Version: "v", Start: time.Unix(1700000000, 0)})
	usage := NotRun(Usage, "--jobs 0: want at least 1", Meta{Version: "v"})
	for _, r := range []Report{failed, passed, usage} {
		var b bytes.Buffer
		if err := r.WriteJUnit(&b); err != nil {
			t.Fatal(err)
		}
		doc := parseXML(t, b.Bytes())
		for _, e := range checkJUnit(doc) {
			t.Errorf("%s report: %s\n%s", r.Class, e, b.String())
		}
		if r.Format != ReportFormat || r.Timestamp == "" {
			t.Errorf("report format %d timestamp %q", r.Format, r.Timestamp)
		}
	}
	var b bytes.Buffer
	failed.WriteJUnit(&b)
	doc := parseXML(t, b.Bytes())
	if out := doc.kids[0].kids[len(doc.kids[0].kids)-2]; !strings.Contains(out.text, "boot log  with a control byte") {
		t.Errorf("system-out %q lacks the console", out.text)
	}
	if failed.Initrd != "rd.cpio" {
		t.Errorf("initrd %q", failed.Initrd)
	}
	b.Reset()
	usage.WriteJUnit(&b)
	if !strings.Contains(b.String(), `<error message="--jobs 0: want at least 1" type="usage">`) {
		t.Errorf("usage report:\n%s", b.String())
	}
}
