// The load-test harness; see loadtest/README.md.
