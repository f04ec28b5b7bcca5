// Command stswatch finds possible ship-to-ship transfers, loitering, AIS gaps
// and identity anomalies in AIS archives and live feeds.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "stswatch:", err)
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "stswatch",
		Short:         "Find possible ship-to-ship transfers in AIS data",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newScanCmd(), newWatchCmd(), newDecodeCmd(), newSimulateCmd(), newDemoCmd())
	return root
}
