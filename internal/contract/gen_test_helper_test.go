package contract

import (
	"os/exec"
)

// runGen runs the generator with its output in dir.
func runGen(dir string) ([]byte, error) {
	return exec.Command("go", "run", "./gen", "-dir", dir).CombinedOutput()
}
