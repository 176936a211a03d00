from invoicer.cli import run

run()
