"""IOP care-navigation assistant: code shared by the Rasa server, the action
server, the web page and the staff console.

Subpackages: safety (crisis screen, hand-off resources, flags), directory
(program database and search), channels (web and SMS connectors), console
(staff app).
"""
