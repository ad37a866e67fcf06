from samspil.cli import main

main()
