package main

import (
	"runtime"
	"runtime/debug"
	"strings"

	alloy "github.com/alloysdk/alloy-go"
)

// versionString is what --version prints: the module's version as the
// build recorded it (a tag with go install ...@v1.2.3, "(devel)" from a
// checkout), the commit when known, the SDK's version and the Go that
// built it.
func versionString() string {
	module, modVersion, goVersion := "github.com/alloysdk/alloy-go", "(unknown)", runtime.Version()
	var extra []string
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path != "" {
			module = bi.Main.Path
		}
		if bi.Main.Version != "" {
			modVersion = bi.Main.Version
		}
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				extra = append(extra, "commit "+s.Value[:min(len(s.Value), 12)])
			case "vcs.modified":
				if s.Value == "true" {
					extra = append(extra, "modified")
				}
			}
		}
	}
	s := "alloy " + modVersion + " (" + module + ", SDK " + alloy.Version
	if len(extra) > 0 {
		s += ", " + strings.Join(extra, ", ")
	}
	return s + ", " + goVersion + " " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}
