from slt_cli.main import app

app(prog_name="slt")
