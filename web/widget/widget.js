/*
 * IOP care-navigation chat widget. Vanilla JS, no dependencies, no CDN.
 *
 * Embed:  <script src="https://CHAT-HOST/widget/widget.js" defer></script>
 * Options (data- attributes on that script tag):
 *   data-api     chat endpoint (default: CHAT-HOST/api/chat)
 *   data-clinic  clinic name shown in the header
 *   data-open    "true" to start with the chat open
 *   data-lang    "es" or "en" (default: the page's <html lang>)
 *
 * Design choices, and why:
 * - The emergency line sits outside the chat panel, so it shows whether the
 *   chat is open or closed, loaded or broken.
 * - Messages are added with textContent only (links are built as elements):
 *   bot text can never inject markup into the clinic's page.
 * - The conversation id is the chat server's, never the page's: an HttpOnly
 *   cookie page scripts cannot read (or, when the chat server is another
 *   site, a signed token in the X-Chat-Session header, sent back with each
 *   message). The transcript is kept in sessionStorage: a reload keeps it,
 *   closing the tab forgets it, and "New chat" asks the server for a new
 *   conversation and forgets it too (shared computers).
 * - A failed send removes the message from the log and puts the text back in
 *   the box, so nothing typed is lost.
 * - The interface is in Spanish when the page is lang="es" or the person
 *   writes Spanish: the chat server tells the conversation's language with
 *   each reply (the same detector that picks the assistant's answers), so
 *   the widget never guesses a language itself.
 * - Each message carries a random id, the same one when it is sent again
 *   after an error: a message that reached the assistant but whose answer
 *   was lost is then answered from what the assistant stored, never run
 *   twice (no second intake request, no second crisis flag).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var scriptUrl = new URL(script && script.src ? script.src : "/widget/widget.js", location.href);
  var data = (script && script.dataset) || {};
  var config = {
    api: data.api || new URL("/api/chat", scriptUrl).href,
    css: new URL("widget.css", scriptUrl).href,
    clinic: data.clinic || "our clinic",
    open: data.open === "true",
    lang: pageLanguage(data.lang || document.documentElement.lang),
    storageKey: "iopnav.chat.v2"
  };
  config.sessionApi = new URL("session", config.api).href;
  var SESSION_HEADER = "X-Chat-Session";

  function pageLanguage(tag) { return /^es\b/i.test(tag || "") ? "es" : "en"; }

  // Every text of the interface, in English and Spanish (tú, as the
  // assistant's own Spanish: docs/language.md).
  var TEXTS = {
    en: {
      region: "Chat assistant",
      crisisLead: "In crisis? ",
      crisisLink: "Call or text 988",
      crisisMiddle: " (24/7). Emergency: ",
      launcher: "Chat with us",
      hide: "Hide chat",
      ask: "Ask ",
      newChat: "New chat",
      close: "Close chat",
      privacy: "Automated assistant, not a counselor; no medical advice. Clinic staff may read chats. " +
        "Kept in this tab until you close it or choose New chat.",
      log: "Conversation",
      typing: "Assistant is typing",
      label: "Type your message",
      hint: "Enter to send, Shift+Enter for a new line.",
      send: "Send",
      greeting: "Hi! I can answer questions about our Intensive Outpatient Programs: what they are, " +
        "schedules, insurance, and how to start.",
      youSaid: "You said: ",
      assistant: "Assistant: ",
      image: "Image from the assistant",
      suggested: "Suggested replies",
      unreachable: "The assistant can't be reached right now.",
      notSent: "The assistant can't be reached right now. Your message was not sent; please try again.",
      emergency: " In an emergency call 911, or call or text 988.",
      empty: "Please type a message first.",
      noNewChat: "A new chat could not be started right now; please try again."
    },
    es: {
      region: "Asistente de chat",
      crisisLead: "\u00bfEn crisis? ",
      crisisLink: "Llama o env\u00eda un mensaje de texto al 988",
      crisisAyuda: " (24/7; en espa\u00f1ol, marca 2 o ",
      crisisAyudaLink: "env\u00eda AYUDA al 988",
      crisisMiddle: "). Emergencias: ",
      launcher: "Chatea con nosotros",
      hide: "Ocultar chat",
      ask: "Pregunta a ",
      newChat: "Nueva conversaci\u00f3n",
      close: "Cerrar chat",
      privacy: "Asistente autom\u00e1tico, no un consejero; no da consejos m\u00e9dicos. El personal de la " +
        "cl\u00ednica puede leer los chats. Se guarda en esta pesta\u00f1a hasta que la cierres o elijas " +
        "Nueva conversaci\u00f3n.",
      log: "Conversaci\u00f3n",
      typing: "El asistente est\u00e1 escribiendo",
      label: "Escribe tu mensaje",
      hint: "Enter para enviar, Shift+Enter para una l\u00ednea nueva.",
      send: "Enviar",
      greeting: "\u00a1Hola! Puedo responder preguntas sobre nuestros programas intensivos " +
        "ambulatorios: qu\u00e9 son, horarios, seguros y c\u00f3mo empezar.",
      youSaid: "Dijiste: ",
      assistant: "Asistente: ",
      image: "Imagen del asistente",
      suggested: "Respuestas sugeridas",
      unreachable: "No se puede contactar al asistente ahora.",
      notSent: "No se puede contactar al asistente ahora. Tu mensaje no se envi\u00f3; int\u00e9ntalo de nuevo.",
      emergency: " En una emergencia llama al 911, o llama al 988 y marca 2, o env\u00eda AYUDA por " +
        "mensaje de texto al 988.",
      empty: "Escribe un mensaje primero.",
      noNewChat: "No se pudo empezar una conversaci\u00f3n nueva ahora; int\u00e9ntalo de nuevo."
    }
  };
  // Web addresses, North American phone numbers ("(312) 555-0120",
  // "1-800-662-4357") and the 988/911 lines become links: on a phone the
  // crisis line and a program's number are one tap away. "text HOME to
  // 741741" and "text AYUDA to 988" open the messaging app with the keyword
  // filled in (sms:), and 741741, a text-only line, is always an sms: link.
  var TEXT_KEYWORD = /^(?:text|env\u00eda) ([A-Z]+) (?:to|al|por mensaje de texto al) (\d{3,6})$/;
  var LINK_PATTERN = new RegExp([
    /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]']/.source,
    /\btext [A-Z]+ to \d{3,6}\b/.source,
    /env\u00eda [A-Z]+ (?:al|por mensaje de texto al) \d{3,6}\b/.source,
    /(?:\b1-)?(?:\(\d{3}\) |\b\d{3}-)\d{3}-\d{4}\b/.source,
    /\b(?:988|911|741741)\b/.source
  ].join("|"), "g");

  // ---- storage: this tab only (private browsing may refuse it: chat still works)
  function fresh() { return { messages: [], open: true, token: null, lang: config.lang }; }

  function load() {
    try {
      // The old localStorage transcript (widget v1) is not kept on the device.
      localStorage.removeItem("iopnav.chat.v1");
    } catch (e) { /* unavailable */ }
    try {
      var saved = JSON.parse(sessionStorage.getItem(config.storageKey) || "null");
      if (saved && Array.isArray(saved.messages)) {
        saved.lang = saved.lang || config.lang;
        return saved;
      }
    } catch (e) { /* corrupt or unavailable: start fresh */ }
    var state = fresh();
    state.open = config.open;
    return state;
  }

  var state = load();

  function t(key) { return TEXTS[state.lang][key]; }

  function save() {
    try {
      sessionStorage.setItem(config.storageKey, JSON.stringify(state));
    } catch (e) { /* storage full or disabled: the live chat still works */ }
  }

  // ---- message ids: one per message, kept until that message is answered
  function newMessageId() {
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) { bytes[i] = Math.floor(Math.random() * 256); }
    }
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  // The same text sent again (the box gets it back after an error) is the
  // same message: same id. Anything else is a new message.
  function messageIdFor(message) {
    if (!state.pending || state.pending.message !== message) {
      state.pending = { message: message, id: newMessageId() };
      save();
    }
    return state.pending.id;
  }

  // The server's conversation id: the cookie goes by itself; a token from a
  // chat server on another site is sent back in a header.
  function post(url, body) {
    // The chat server answers its own errors (over a budget, a bad message)
    // in this language when the message itself tells none.
    var headers = { "Content-Type": "application/json", "Accept-Language": state.lang };
    if (state.token) { headers[SESSION_HEADER] = state.token; }
    return fetch(url, { method: "POST", headers: headers, body: body }).then(function (response) {
      var token = response.headers.get(SESSION_HEADER);
      if (token) { state.token = token; }
      return response;
    });
  }

  // ---- DOM helpers
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs[name]; }
      else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function linkFor(found) {
    if (/^https?:/.test(found)) {
      return el("a", { href: found, target: "_blank", rel: "noopener noreferrer", text: found });
    }
    var keyword = TEXT_KEYWORD.exec(found);
    if (keyword) {
      return el("a", { href: "sms:" + keyword[2] + "?body=" + keyword[1], text: found });
    }
    if (found === "741741") { return el("a", { href: "sms:741741", text: found }); }
    var digits = found.replace(/\D/g, "");
    return el("a", { href: "tel:" + (digits.length === 10 ? "+1" + digits : digits.length === 11 ? "+" + digits : digits), text: found });
  }

  function withLinks(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(LINK_PATTERN, function (found, offset) {
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      fragment.appendChild(linkFor(found));
      last = offset + found.length;
      return found;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  // ---- build the widget
  var stylesheet = el("link", { rel: "stylesheet", href: config.css });
  document.head.appendChild(stylesheet);

  var root = el("section", { "class": "iopnav" });
  var crisis = el("p", { "class": "iopnav-crisis" });
  var launcher = el("button", {
    type: "button", "class": "iopnav-launcher", "aria-expanded": "false", "aria-controls": "iopnav-panel"
  });
  var heading = el("h2", { id: "iopnav-title" });
  var newChat = el("button", { type: "button", "class": "iopnav-secondary" });
  var close = el("button", { type: "button", "class": "iopnav-close", text: "\u00d7" });
  var privacy = el("p", { "class": "iopnav-privacy", id: "iopnav-privacy" });
  var log = el("div", {
    "class": "iopnav-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0"
  });
  var typingText = document.createTextNode("");
  var typing = el("p", { "class": "iopnav-typing", role: "status", hidden: "" }, [
    typingText,
    el("span", { "class": "iopnav-dots", "aria-hidden": "true", text: "..." })
  ]);
  var error = el("p", { "class": "iopnav-error", role: "alert", hidden: "" });
  var label = el("label", { "for": "iopnav-input" });
  var input = el("textarea", {
    id: "iopnav-input", rows: "2", autocomplete: "off", "aria-describedby": "iopnav-hint iopnav-privacy"
  });
  var hint = el("span", { id: "iopnav-hint", "class": "iopnav-hint" });
  var send = el("button", { type: "submit", "class": "iopnav-send" });
  var form = el("form", { "class": "iopnav-form" }, [label, input, hint, send]);
  var panel = el("div", {
    id: "iopnav-panel", "class": "iopnav-panel", role: "region", "aria-labelledby": "iopnav-title", hidden: ""
  }, [
    el("div", { "class": "iopnav-header" }, [heading, newChat, close]),
    privacy, log, typing, error, form
  ]);
  root.appendChild(crisis);
  root.appendChild(panel);
  root.appendChild(launcher);

  // The emergency line: Spanish speakers reach 988 by pressing 2 or texting AYUDA.
  function crisisLine() {
    var parts = [el("strong", { text: t("crisisLead") }), el("a", { href: "tel:988", text: t("crisisLink") })];
    if (state.lang === "es") {
      parts.push(document.createTextNode(t("crisisAyuda")));
      parts.push(el("a", { href: "sms:988?body=AYUDA", text: t("crisisAyudaLink") }));
    }
    parts.push(document.createTextNode(t("crisisMiddle")));
    parts.push(el("a", { href: "tel:911", text: "911" }));
    parts.push(document.createTextNode("."));
    return parts;
  }

  function applyLanguage() {
    root.setAttribute("lang", state.lang);
    root.setAttribute("aria-label", t("region"));
    crisis.textContent = "";
    crisisLine().forEach(function (part) { crisis.appendChild(part); });
    launcher.textContent = panel.hidden ? t("launcher") : t("hide");
    heading.textContent = t("ask") + config.clinic;
    newChat.textContent = t("newChat");
    close.setAttribute("aria-label", t("close"));
    privacy.textContent = t("privacy");
    log.setAttribute("aria-label", t("log"));
    typingText.textContent = t("typing");
    label.textContent = t("label");
    hint.textContent = t("hint");
    send.textContent = t("send");
  }

  // The conversation's language, as the chat server reports it with a reply.
  function follow(language) {
    if ((language === "en" || language === "es") && language !== state.lang) {
      state.lang = language;
      save();
      applyLanguage();
      renderAll();
    }
  }

  // ---- messages
  function disableButtons(group, chosen) {
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (button) {
      button.disabled = true;
      if (button === chosen) { button.setAttribute("aria-pressed", "true"); }
    });
  }

  function render(message, live) {
    var item = el("div", { "class": "iopnav-msg iopnav-" + message.from });
    item.appendChild(el("span", { "class": "iopnav-visually-hidden", text: message.from === "user" ? t("youSaid") : t("assistant") }));
    if (message.text) {
      var text = el("p", { "class": "iopnav-text" });
      text.appendChild(withLinks(message.text));
      item.appendChild(text);
    }
    if (message.image) {
      item.appendChild(el("img", { src: message.image, alt: t("image") }));
    }
    var buttons = (message.buttons || []).filter(function (b) { return b && b.title && (b.payload || b.url); });
    if (buttons.length) {
      var group = el("div", { "class": "iopnav-buttons", role: "group", "aria-label": t("suggested") });
      buttons.forEach(function (b) {
        if (b.url) {
          group.appendChild(el("a", { href: b.url, target: "_blank", rel: "noopener noreferrer", "class": "iopnav-choice", text: b.title }));
          return;
        }
        var button = el("button", { type: "button", "class": "iopnav-choice", text: b.title });
        button.addEventListener("click", function () {
          if (busy) { return; }
          disableButtons(group, button);
          message.used = true;
          save();
          submit(b.payload, b.title, false);
        });
        group.appendChild(button);
      });
      if (message.used || !live) { disableButtons(group); }
      item.appendChild(group);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function renderAll() {
    log.textContent = "";
    render({ from: "bot", text: t("greeting") }, false);
    // Only the bot's latest turn keeps working buttons (after the last user message).
    var lastUser = -1;
    state.messages.forEach(function (m, i) { if (m.from === "user") { lastUser = i; } });
    state.messages.forEach(function (m, i) { render(m, i > lastUser); });
  }

  // ---- sending
  var busy = false;

  function showError(text) {
    error.textContent = text;
    error.hidden = false;
  }

  function setBusy(value) {
    busy = value;
    typing.hidden = !value;
    send.disabled = value;
    root.setAttribute("aria-busy", value ? "true" : "false");
  }

  function submit(message, shown, typed) {
    error.hidden = true;
    var entry = { from: "user", text: shown };
    var item = render(entry, false);
    setBusy(true);
    post(config.api, JSON.stringify({ message: message, message_id: messageIdFor(message) })).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (!response.ok || !Array.isArray(body)) {
          throw new Error((body && body.message) || t("unreachable"));
        }
        return body;
      });
    }).then(function (replies) {
      state.messages.forEach(function (m) { if (m.buttons) { m.used = true; } });
      state.messages.push(entry);
      Array.prototype.forEach.call(log.querySelectorAll(".iopnav-buttons"), function (g) { disableButtons(g); });
      var undelivered = false;
      var language = null;
      replies.forEach(function (reply) {
        language = reply.language || language;
        var m = { from: "bot", text: reply.text || "", buttons: reply.buttons, image: reply.image };
        undelivered = undelivered || reply.status === "not_delivered";
        state.messages.push(m);
        render(m, true);
      });
      // Answered: the next message gets a new id. Not delivered: the text
      // goes back in the box, and sending it again keeps this one.
      if (!undelivered) { state.pending = null; }
      save();
      follow(language);
      // The chat server answered for an assistant it could not reach: the
      // text goes back in the box to send again.
      if (undelivered && typed && !input.value) { input.value = message; }
    }).catch(function (problem) {
      // Not sent: take it out of the log and give the text back.
      item.remove();
      if (typed) {
        input.value = message;
      } else {
        Array.prototype.forEach.call(log.querySelectorAll(".iopnav-buttons"), function (g) {
          Array.prototype.forEach.call(g.querySelectorAll("button"), function (b) { b.disabled = false; b.removeAttribute("aria-pressed"); });
        });
        state.messages.forEach(function (m) { delete m.used; });
      }
      var text = problem && problem.message && !/fetch|network|Load failed/i.test(problem.message)
        ? problem.message
        : t("notSent");
      if (!/911/.test(text)) { text += t("emergency"); }
      showError(text);
    }).then(function () {
      setBusy(false);
      if (typed) { input.focus(); }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    var text = input.value.trim();
    if (!text) {
      showError(t("empty"));
      input.focus();
      return;
    }
    input.value = "";
    submit(text, text, true);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : send.click();
    }
  });

  // ---- open / close
  function setOpen(open, focus) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    launcher.textContent = open ? t("hide") : t("launcher");
    root.classList.toggle("iopnav-is-open", open);
    state.open = open;
    save();
    if (focus) { (open ? input : launcher).focus(); }
    if (open) { log.scrollTop = log.scrollHeight; }
  }

  launcher.addEventListener("click", function () { setOpen(panel.hidden, true); });
  close.addEventListener("click", function () { setOpen(false, true); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { setOpen(false, true); }
  });
  newChat.addEventListener("click", function () {
    if (busy || newChat.disabled) { return; }
    error.hidden = true;
    newChat.disabled = true;
    post(config.sessionApi, "{}").then(function (response) {
      if (!response.ok) { throw new Error("refused"); }
      var token = state.token;
      state = fresh();
      state.token = token;
      save();
      renderAll();
    }).catch(function () {
      showError(t("noNewChat") + t("emergency"));
    }).then(function () {
      newChat.disabled = false;
      input.focus();
    });
  });

  function mount() {
    document.body.appendChild(root);
    applyLanguage();
    renderAll();
    setOpen(!!state.open, false);
  }

  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
