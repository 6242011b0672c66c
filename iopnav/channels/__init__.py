"""The assistant's front doors, each a small module:

cleaning      what every channel does to incoming text (shared by REST and SMS)
conversation  what a channel reads back from the tracker (crisis reminder, buttons)
rest          SafeRestInput: Rasa's REST webhook with clear answers to bad input
sms           TwilioSMSInput: signed Twilio webhook answered with TwiML
sms_text      how replies are written for SMS (numbered options, splitting)
optout        STOP/START opt-out list in the application database
fallback      the channels' own crisis screen when the dialogue fails or is late
texts         what the channels say by themselves, English and Spanish (wording.yml)
payloads      typed "/intent" payloads count only if the bot offered them
limits        64 KB request bodies and per-sender / per-address budgets
dedupe        a repeated Twilio MessageSid gets the first reply again (this server)
idempotency   a message sent again is answered from the stored turn (any server)
webpage       the sample clinic page, the chat widget and its /api/chat proxy
"""
