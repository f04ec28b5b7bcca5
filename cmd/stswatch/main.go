// Command stswatch finds possible ship-to-ship transfers, loitering, AIS gaps
// and identity anomalies in AIS archives and live feeds.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the process exit status: 0 done,
// 1 for a wrong flag or a failed run (the message on stderr), or the status an
// exitError carries (130 after SIGINT, ...).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "stswatch:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "stswatch",
		Short:         "Find possible ship-to-ship transfers in AIS data",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%s: %w (see %s --help)", cmd.CommandPath(), err, cmd.CommandPath())
	})
	root.AddCommand(newScanCmd(), newWatchCmd(), newDecodeCmd(), newSimulateCmd(), newDemoCmd())
	return root
}
