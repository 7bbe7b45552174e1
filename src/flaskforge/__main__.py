from flaskforge.cli import main

main()
