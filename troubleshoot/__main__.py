from troubleshoot.cli import main

main()
