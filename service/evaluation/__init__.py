"""The offline evaluation suite (`cited eval`)."""
