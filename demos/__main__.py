from plangate.demos.cli.commands import main

main()
