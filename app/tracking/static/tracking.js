// The tracking page: one order followed through its link. It reads /v1/track/<token>, draws the roads
// around the car (from the region's own extract: no tile server, nothing from elsewhere), follows the
// order's live stream, and after the job asks for a rating. It speaks English, Russian or German: `?lang=en`, `ru`
// or `de` if the link says so, else the first of them the browser prefers (a phone in Russian reads Russian).
"use strict";

const token = decodeURIComponent(location.pathname.split("/").pop());
const api = `/v1/track/${encodeURIComponent(token)}`;
const $ = (id) => document.getElementById(id);

// German tells a clock time with "Uhr", unless a zone's name already stands after it ("21:21 MEZ", not "MEZ Uhr").
const uhr = (clock) => `${clock}${/[A-Za-z]/.test(clock) ? "" : "\u00a0Uhr"}`;

const TEXTS = {
  en: {
    brand: "Trustloop roadside help", loading: "Loading…", howDidItGo: "How did it go?",
    csatQuestion: "How satisfied are you with the help you got?", csatLow: "Very unhappy", csatHigh: "Very happy",
    npsQuestion: "How likely are you to recommend us to a friend?", npsLow: "Not at all", npsHigh: "Certainly",
    cesQuestion: "How easy was it to get help?", cesLow: "Very hard", cesHigh: "Very easy",
    commentQuestion: "Anything you want to tell us?", optional: "(optional)", send: "Send rating",
    thanks: "Thank you", thanksDetail: "Your rating helps us send the right technician next time.",
    callBack: (time) => `We're sorry it wasn't better. Someone from our team will call you by ${time}.`,
    mapLabel: "Map of the technician's way to the car", theCar: "The car", technician: "The technician",
    roads: "Roads © OpenStreetMap contributors", zoomIn: "Zoom in", zoomOut: "Zoom out",
    title: "Your roadside help",
    services: {
      tow: "Tow", jump_start: "Jump start", tyre_change: "Tyre change", fuel_delivery: "Fuel delivery",
      lockout: "Lockout", winch: "Winch-out",
    },
    outcomes: {
      fixed_on_site: "Fixed on the spot.", towed: "The car was towed.",
      not_fixed: "The car could not be fixed on the spot.",
    },
    // A job done on the spot, where "fixed" is not the word for it.
    doneOnSite: { winch: "Your car was pulled out.", lockout: "Your car was opened.", fuel_delivery: "Fuel delivered." },
    headlines: {
      searching: () => ["Finding a technician", "We are asking the nearest technicians who can help."],
      // As the no_road push says it.
      noRoad: () => ["No road to your pin yet", "Technicians near you can't find a road to your pin. We keep looking; if nobody can reach you, an operator will call."],
      assigned: (name) => [`${name} is coming`, `${name} has taken the job and is setting off.`],
      en_route: (name) => [`${name} is on the way`, "The map shows where they are, live."],
      arrived: (name) => [`${name} has arrived`, "At the car now."],
      in_progress: (name) => [`${name} is working on the car`, "We'll let you know when it's done."],
      completed: (name, outcome) => ["Job done", outcome || "The technician has finished."],
      failed: (name, outcome, service) => ["The technician could not help on the spot", afterFailure(outcome, service)],
      cancelled: (name, outcome, service, cause) => ["This request was cancelled", [{
        driver_asked: "You called it off.", duplicate: "It repeated another request of yours.",
        help_not_needed: "You no longer need help.", location_unreachable: "We can't get a vehicle to that place.",
        unsafe: "It isn't safe to send a technician there. If you are in danger, call 112.",
      }[cause], "Nobody is on the way."].filter(Boolean).join(" ")],
      unfulfilled: () => ["We could not find a technician in time", "We are sorry. An operator will call you within minutes, or you can ask for help again."],
    },
    eta: (minutes, clock) => `Arrives in about ${minutes}\u00a0min, around ${clock}`,
    due: (clock) => `Due around ${clock}. We're checking where they are now`,
    promise: (clock) => ` · by ${clock} at the latest`,  // as the assigned push promised it
    late: (clock) => `. Later than the ${clock} we promised: we're sorry.`,  // as the eta_changed push says it
    zoneName: "shortGeneric",  // "Finland Time" in en-US, "EET" in en-GB: never a bare "GMT+2"
    rough: " (a rough estimate)",
    // After a failed job, the call that comes next, as the failed push says it.
    callNext: {
      tow: "We'll call you within a few minutes to arrange another tow.",
      other: "We'll call you within a few minutes to arrange a tow or another visit.",
    },
    // As the pushes say it (held_up, delayed), once the driver has been told.
    heldUp: {
      stalled: "There's been no progress towards you for a while. We're checking and may send another technician.",
      "no signal": "The signal may have dropped. We're checking and will keep you posted.",
    },
    drives: (van) => `Drives a ${van}`,
    colors: {},
    van: (color, car) => [color, car].filter(Boolean).join(" "),
    photoOf: (name) => `Photo of ${name}`,
    linkUntil: (when) => `This link works until ${when}.`,
    loadFailed: "Could not load the job. Retrying…",
    chooseCsat: "Please choose how satisfied you are (1 to 5).",
    sendFailed: "The rating could not be sent. Please try again.",
  },
  // Present tense and impersonal forms throughout: the technician's name goes in without knowing his gender.
  ru: {
    brand: "Trustloop: помощь на дороге", loading: "Загружаем…", howDidItGo: "Как всё прошло?",
    csatQuestion: "Насколько вы довольны помощью?", csatLow: "Очень плохо", csatHigh: "Отлично",
    npsQuestion: "Насколько вероятно, что вы порекомендуете нас другу?", npsLow: "Точно нет", npsHigh: "Обязательно",
    cesQuestion: "Насколько легко было получить помощь?", cesLow: "Очень трудно", cesHigh: "Очень легко",
    commentQuestion: "Хотите что-нибудь нам сказать?", optional: "(необязательно)", send: "Отправить оценку",
    thanks: "Спасибо", thanksDetail: "Ваша оценка помогает нам в следующий раз прислать того мастера, который нужен.",
    callBack: (time) => `Жаль, что не всё прошло хорошо. Наш сотрудник позвонит вам до ${time}.`,
    mapLabel: "Карта: путь мастера к вашей машине", theCar: "Ваша машина", technician: "Мастер",
    roads: "Дороги © участники OpenStreetMap", zoomIn: "Приблизить", zoomOut: "Отдалить",
    title: "Ваша помощь на дороге",
    services: {
      tow: "Эвакуация", jump_start: "Прикуривание", tyre_change: "Замена колеса", fuel_delivery: "Доставка топлива",
      lockout: "Вскрытие автомобиля", winch: "Вытаскивание лебёдкой",
    },
    outcomes: {
      fixed_on_site: "Машину починили на месте.", towed: "Машину эвакуировали.",
      not_fixed: "Машину не удалось починить на месте.",
    },
    doneOnSite: { winch: "Машину вытащили.", lockout: "Машину открыли.", fuel_delivery: "Топливо доставили." },
    headlines: {
      searching: () => ["Ищем мастера", "Спрашиваем ближайших мастеров, кто может помочь."],
      noRoad: () => ["Пока не видим дороги к вашей метке", "Мастера рядом не могут проехать к вашей метке. Ищем дальше; если никто не доедет, вам позвонит оператор."],
      assigned: (name) => [`${name} скоро выезжает`, "Заявка принята: мастер собирается в путь."],
      en_route: (name) => [`${name} в пути`, "На карте видно, где сейчас мастер."],
      arrived: (name) => [`${name} на месте`, "Мастер уже у вашей машины."],
      in_progress: (name) => [`${name} работает с машиной`, "Мы сообщим, когда всё будет готово."],
      completed: (name, outcome) => ["Готово", outcome || "Работа завершена."],
      failed: (name, outcome, service) => ["Помочь на месте не получилось", afterFailure(outcome, service)],
      cancelled: (name, outcome, service, cause) => ["Заявка отменена", [{
        driver_asked: "Вы отменили её сами.", duplicate: "Она повторяла другую вашу заявку.",
        help_not_needed: "Помощь вам больше не нужна.", location_unreachable: "До этого места не доехать.",
        unsafe: "Отправлять туда мастера небезопасно. Если вам угрожает опасность, звоните 112.",
      }[cause], "К вам никто не едет."].filter(Boolean).join(" ")],
      unfulfilled: () => ["Мы не смогли вовремя найти мастера", "Простите нас. Оператор позвонит вам в ближайшие минуты. Помощь можно вызвать снова."],
    },
    eta: (minutes, clock) => `Приедет примерно через ${minutes}\u00a0мин, около ${clock}`,
    due: (clock) => `Мастер должен был приехать около ${clock}. Уточняем, где он сейчас`,
    promise: (clock) => ` · не позже ${clock}`,
    late: (clock) => `. Это позже обещанного (${clock}), простите нас.`,
    zoneName: "short",  // "GMT+2": the generic name is a bare country ("22:21 Финляндия")
    rough: " (оценка приблизительная)",
    // After a failed job, the call that comes next, as the failed push says it.
    callNext: {
      tow: "Мы позвоним вам в ближайшие минуты и договоримся о новой эвакуации.",
      other: "Мы позвоним вам в ближайшие минуты и договоримся об эвакуации или повторном выезде мастера.",
    },
    // As the pushes say it (held_up, delayed), once the driver has been told.
    heldUp: {
      stalled: "Мастер давно не приближается к вам. Мы выясняем, в чём дело, и можем прислать другого мастера.",
      "no signal": "Возможно, пропала связь. Мы выясняем, в чём дело, и будем держать вас в курсе.",
    },
    drives: (van) => `Машина: ${van}`,
    colors: {
      white: "белый", black: "чёрный", silver: "серебристый", grey: "серый", gray: "серый", blue: "синий",
      red: "красный", green: "зелёный", yellow: "жёлтый", orange: "оранжевый", brown: "коричневый", beige: "бежевый",
    },
    van: (color, car) => [color, car].filter(Boolean).join(" "),
    photoOf: (name) => `Фото: ${name}`,
    linkUntil: (when) => `Ссылка действует до ${when}.`,
    loadFailed: "Не удалось загрузить заявку. Пробуем ещё раз…",
    chooseCsat: "Пожалуйста, выберите, насколько вы довольны (от 1 до 5).",
    sendFailed: "Не удалось отправить оценку. Пожалуйста, попробуйте ещё раз.",
  },
  // "Sie" throughout; the technician is named, or called "die Pannenhilfe", never by a gendered noun.
  de: {
    brand: "Trustloop Pannenhilfe", loading: "Wird geladen…", howDidItGo: "Wie ist es gelaufen?",
    csatQuestion: "Wie zufrieden sind Sie mit der Hilfe?", csatLow: "Sehr unzufrieden", csatHigh: "Sehr zufrieden",
    npsQuestion: "Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?", npsLow: "Gar nicht", npsHigh: "Auf jeden Fall",
    cesQuestion: "Wie einfach war es, Hilfe zu bekommen?", cesLow: "Sehr schwer", cesHigh: "Sehr einfach",
    commentQuestion: "Möchten Sie uns noch etwas sagen?", optional: "(freiwillig)", send: "Bewertung senden",
    thanks: "Danke", thanksDetail: "Ihre Bewertung hilft uns, beim nächsten Mal die richtige Hilfe zu schicken.",
    callBack: (time) => `Es tut uns leid, dass es nicht besser lief. Wir rufen Sie bis ${uhr(time)} an.`,
    mapLabel: "Karte: der Weg der Pannenhilfe zu Ihrem Auto", theCar: "Ihr Auto", technician: "Die Pannenhilfe",
    roads: "Strassen © OpenStreetMap-Mitwirkende", zoomIn: "Vergrössern", zoomOut: "Verkleinern",
    title: "Ihre Pannenhilfe",
    services: {
      tow: "Abschleppen", jump_start: "Starthilfe", tyre_change: "Reifenwechsel", fuel_delivery: "Kraftstofflieferung",
      lockout: "Türöffnung", winch: "Bergung mit Seilwinde",
    },
    outcomes: {
      fixed_on_site: "Vor Ort repariert.", towed: "Das Auto wurde abgeschleppt.",
      not_fixed: "Das Auto konnte vor Ort nicht repariert werden.",
    },
    doneOnSite: {
      winch: "Ihr Auto wurde geborgen.", lockout: "Ihr Auto wurde geöffnet.", fuel_delivery: "Der Kraftstoff wurde geliefert.",
    },
    headlines: {
      searching: () => ["Wir suchen Pannenhilfe für Sie", "Wir fragen die Pannenhilfe in Ihrer Nähe, wer helfen kann."],
      noRoad: () => ["Noch kein Weg zu Ihrer Markierung", "Die Pannenhilfe in der Nähe findet keine Strasse zu Ihrer Markierung. Wir suchen weiter, sonst rufen wir Sie an."],
      assigned: (name) => [`${name} kommt`, `${name} hat den Auftrag angenommen und fährt gleich los.`],
      en_route: (name) => [`${name} ist unterwegs`, "Die Karte zeigt live, wo die Pannenhilfe gerade ist."],
      arrived: (name) => [`${name} ist da`, "Jetzt an Ihrem Auto."],
      in_progress: (name) => [`${name} arbeitet am Auto`, "Wir sagen Ihnen Bescheid, sobald es erledigt ist."],
      completed: (name, outcome) => ["Erledigt", outcome || "Die Arbeit ist abgeschlossen."],
      failed: (name, outcome, service) => ["Vor Ort war keine Hilfe möglich", afterFailure(outcome, service)],
      cancelled: (name, outcome, service, cause) => ["Diese Anfrage wurde storniert", [{
        driver_asked: "Sie haben sie zurückgezogen.", duplicate: "Sie war doppelt.",
        help_not_needed: "Sie brauchen keine Hilfe mehr.", location_unreachable: "Wir kommen mit keinem Fahrzeug an diesen Ort.",
        unsafe: "Es ist nicht sicher, dort jemanden hinzuschicken. Sind Sie in Gefahr, rufen Sie 112.",
      }[cause], "Niemand ist zu Ihnen unterwegs."].filter(Boolean).join(" ")],
      unfulfilled: () => ["Leider haben wir niemanden gefunden", "Das tut uns leid. Wir rufen Sie in wenigen Minuten an, oder Sie fordern erneut Hilfe an."],
    },
    eta: (minutes, clock) => `Ankunft in etwa ${minutes}\u00a0Min., gegen ${uhr(clock)}`,
    due: (clock) => `Erwartet gegen ${uhr(clock)}. Wir prüfen, wo die Pannenhilfe gerade ist`,
    promise: (clock) => ` · spätestens ${uhr(clock)}`,
    late: (clock) => `. Später als die zugesagten ${uhr(clock)}, das tut uns leid.`,
    zoneName: "short",
    rough: " (grob geschätzt)",
    // After a failed job, the call that comes next, as the failed push says it.
    callNext: {
      tow: "Wir rufen Sie in wenigen Minuten an und organisieren einen anderen Abschleppwagen.",
      other: "Wir rufen Sie in wenigen Minuten an und organisieren das Abschleppen oder einen neuen Einsatz.",
    },
    // As the pushes say it (held_up, delayed), once the driver has been told.
    heldUp: {
      stalled: "Seit einer Weile kommt das Fahrzeug nicht näher. Wir prüfen das und schicken eventuell andere Hilfe.",
      "no signal": "Vielleicht ist das Signal weg. Wir prüfen das und halten Sie auf dem Laufenden.",
    },
    drives: (van) => `Fahrzeug: ${van}`,
    colors: {
      white: "weiss", black: "schwarz", silver: "silber", grey: "grau", gray: "grau", blue: "blau", red: "rot",
      green: "grün", yellow: "gelb", orange: "orange", brown: "braun", beige: "beige",
    },
    van: (color, car) => [car, color].filter(Boolean).join(", "),  // as the pushes: "Ford Transit, weiss"
    photoOf: (name) => `Foto: ${name}`,
    linkUntil: (when) => `Dieser Link gilt bis zum ${when}.`,
    loadFailed: "Der Auftrag konnte nicht geladen werden. Neuer Versuch…",
    chooseCsat: "Bitte wählen Sie, wie zufrieden Sie sind (1 bis 5).",
    sendFailed: "Die Bewertung konnte nicht gesendet werden. Bitte versuchen Sie es noch einmal.",
  },
};

function chooseLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (Object.hasOwn(TEXTS, asked)) return asked;
  for (const preferred of navigator.languages || [navigator.language]) {
    const base = String(preferred).toLowerCase().split("-")[0];
    if (Object.hasOwn(TEXTS, base)) return base;
  }
  return "en";
}

const lang = chooseLanguage();
const text = TEXTS[lang];
// Dates are written as the reader's own variant of the language writes them (en-GB: 5 Dec 2026, not Dec 5).
const dateLocale = (navigator.languages || [navigator.language])
  .find((preferred) => String(preferred).toLowerCase().split("-")[0] === lang) || lang;
document.documentElement.lang = lang;
document.title = `${text.title} · Trustloop`;
for (const element of document.querySelectorAll("[data-text]")) element.textContent = text[element.dataset.text];
for (const element of document.querySelectorAll("[data-label]")) {
  element.setAttribute("aria-label", text[element.dataset.label]);
}
const LIVE = new Set(["assigned", "en_route"]);
const ENDED = new Set(["completed", "failed", "cancelled", "unfulfilled"]);
const FINISHED = new Set(["completed", "failed"]);
const CALLED_OFF = new Set(["cancelled", "unfulfilled"]);

const state = { tracking: null, position: null, live: false, map: null, layers: {} };
const stats = { positions: 0, messages: 0 };
window.trustloop = { state, stats };

// A failed job's outcome, then what happens next.
function afterFailure(outcome, service) {
  return [outcome, text.callNext[service === "tow" ? "tow" : "other"]].filter(Boolean).join(" ");
}

function headline(t) {
  const name = t.technician ? t.technician.name : text.technician;
  const says = t.status === "searching" && t.search === "no_road" ? text.headlines.noRoad : text.headlines[t.status];
  const outcome = (t.resolution === "fixed_on_site" && text.doneOnSite[t.service]) || text.outcomes[t.resolution];
  return says ? says(name, outcome, t.service, t.cancel_cause) : [t.status, ""];  // the next step, as the push says
}

// Clock times are told by the car's clock and on 24 hours, as the pushes tell them; someone following the link
// from a place whose clocks read otherwise at that moment (a relative far away) is told which clock that is.
function byCarClock(fields, iso) {
  const clockFields = { ...fields, hourCycle: "h23" };
  const zone = state.tracking && state.tracking.time_zone;
  if (!zone || !knownZone(zone)) return clockFields;  // a zone this browser does not know: the phone's own clock
  return sameClock(zone, iso)
    ? { ...clockFields, timeZone: zone }
    : { ...clockFields, timeZone: zone, timeZoneName: text.zoneName };
}

// Whether the viewer's clock reads as the car's at that moment: by the time shown, not the zone's name
// (Zurich and Vaduz are two names for one clock).
function sameClock(zone, iso) {
  const fields = { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" };
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return true;  // no time to tell: nothing to name
  return new Intl.DateTimeFormat("en-GB", { ...fields, timeZone: zone }).format(moment)
    === new Intl.DateTimeFormat("en-GB", fields).format(moment);
}

function knownZone(zone) {
  try {
    new Intl.DateTimeFormat(lang, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// A time within a minute is told as the minute's end, as the pushes tell it: "by 14:05" for 14:04:20, so that
// a technician at the car at 14:04:50 is not late in the driver's eyes.
const MINUTE_MS = 60000;
const minuteEnd = (iso) => Math.ceil(new Date(iso).getTime() / MINUTE_MS) * MINUTE_MS;

// `named` false: a second time in the same line, whose zone the first one named already.
function clock(iso, named = true) {
  const fields = byCarClock({ hour: "2-digit", minute: "2-digit" }, iso);
  if (!named) delete fields.timeZoneName;
  return new Date(minuteEnd(iso)).toLocaleTimeString(dateLocale, fields);
}

function renderEta() {
  const t = state.tracking;
  const eta = $("eta");
  if (t && t.held_up && LIVE.has(t.status)) {  // no confident arrival time while he seems held up
    eta.textContent = text.heldUp[t.held_up];
    eta.classList.add("held-up");
    eta.classList.remove("late");
    eta.hidden = false;
    return;
  }
  eta.classList.remove("held-up");
  if (!t || !t.eta || !LIVE.has(t.status)) { eta.hidden = true; return; }
  // The minutes from the phone's clock to the clock time beside them (rounded up): "2 min, around 15:16" from
  // 15:14:50 to 15:15:20 alike, as the driver would count them.
  const minutes = (minuteEnd(t.eta.arrival_at) - Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS) / MINUTE_MS;
  // The time shown has passed and nobody has arrived: his phone has sent nothing newer to estimate from. Not
  // "about 1 min" for minutes on end, until the page hears he is held up or there.
  if (minutes <= 0) {
    // The promise may have passed since the estimate was made: "late" was judged then, not now.
    const late = t.eta.late || (t.eta.promised_at && Date.now() > minuteEnd(t.eta.promised_at));
    eta.textContent = text.due(clock(t.eta.arrival_at)) + (late ? text.late(clock(t.eta.promised_at, false)) : ".");
    eta.classList.toggle("late", Boolean(late));
    eta.hidden = false;
    return;
  }
  // The promise too, while the estimate keeps it as the two are shown (to the minute): the assigned push told the
  // driver that time. Once it slips past the promise the driver has been told by push, and the page says why the
  // time moved. (Shown only a minute or more ahead of the estimate, it came and went as the estimate moved by
  // seconds around the promise, which is where a short drive's estimate starts.)
  const promised = t.eta.promised_at && minuteEnd(t.eta.promised_at) >= minuteEnd(t.eta.arrival_at);
  eta.textContent = text.eta(minutes, clock(t.eta.arrival_at)) + (t.eta.confidence === "low" ? text.rough : "")
    + (promised ? text.promise(clock(t.eta.promised_at, false)) : "")
    + (t.eta.late ? text.late(clock(t.eta.promised_at, false)) : "");
  eta.classList.toggle("late", Boolean(t.eta.late));
  eta.hidden = false;
}

function renderTechnician(technician) {
  $("technician").hidden = !technician;
  if (!technician) return;
  $("photo").src = technician.photo_url;
  $("photo").alt = text.photoOf(technician.name);
  $("technician-name").textContent = technician.name;
  const v = technician.vehicle || {};
  // The colour in the reader's language, as the pushes name it (the same words, notifications/locales).
  const color = v.color && (text.colors[v.color.toLowerCase()] || v.color);
  const van = text.van(color, [v.make, v.model].filter(Boolean).join(" "));
  $("vehicle").textContent = van ? text.drives(van) : "";
  $("plate").textContent = v.plate || "";
  $("plate").hidden = !v.plate;
}

function render() {
  const t = state.tracking;
  const [title, detail] = headline(t);
  $("service").textContent = text.services[t.service] || t.service;
  $("headline").textContent = title;
  $("detail").textContent = detail;
  document.title = `${title} · Trustloop`;
  renderEta();
  renderTechnician(CALLED_OFF.has(t.status) ? null : t.technician);  // nobody is coming any more
  const rated = $("thanks").dataset.sent === "yes" || t.rated;
  $("rating").hidden = !t.feedback_open || rated;
  $("thanks").hidden = !(FINISHED.has(t.status) && rated);
  // A low score opened a call-back case: the driver is told by when, on the car's clock, until someone has called
  // (rated here or in the app, the page says it each time it is opened).
  $("call-back").textContent = t.call_back_by ? text.callBack(clock(t.call_back_by)) : "";
  $("call-back").hidden = !t.call_back_by;
  const until = t.expires_at && new Date(t.expires_at).toLocaleString(
    dateLocale, byCarClock({ day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }, t.expires_at),
  );
  $("note").textContent = until ? text.linkUntil(until) : "";
  // The map while someone comes, and while no road is found to the pin: the driver sees where we look for him.
  const mapped = LIVE.has(t.status) || Boolean(pinWithoutRoad(t));
  $("map-wrap").hidden = !mapped;
  document.body.classList.toggle("with-map", mapped);
  if (mapped) showMap();
}

const WALK_FROM_M = 30;  // a route ending farther from the car than this ends short of it, not beside it
const pinWithoutRoad = (t) => t.status === "searching" && t.search === "no_road" && t.car;

// The map: roads from /map on a plain background, the route, the car and the technician. Nothing is drawn
// before the roads have come, so the first view is fitted once, to the technician and the car.
// By rank: main roads, through roads, streets, service roads (car parks, yards), and ways closed to cars
// (pedestrian streets, bus lanes), dashed without a casing: a pin on one is not on a road a van can drive.
const ROAD_STYLE = [
  { color: "#f2c46d", weight: 6 }, { color: "#ffffff", weight: 5 }, { color: "#ffffff", weight: 3 },
  { color: "#ffffff", weight: 2 }, { color: "#9aa3ae", weight: 1.5, dashArray: "4 4", casing: false },
];
const CASING = "#c3c9d1";
const ROADS_AS_DRAWN_AT = 15;  // the zoom at which ROAD_STYLE's widths are drawn: half two steps out, twice two in

async function showMap() {
  if (state.map) { state.map.invalidateSize(); drawLive(); return; }
  const map = L.map("map", { preferCanvas: true, zoomSnap: 0.25, fadeAnimation: false, zoomControl: false });
  L.control.zoom({ zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
  state.map = map;
  map.attributionControl.setPrefix(false).addAttribution(text.roads);
  const response = await fetch(`${api}/map`);
  if (!response.ok) return;
  const roads = await response.json();
  const [west, south, east, north] = roads.bbox;
  map.fitBounds([[south, west], [north, east]], { animate: false });
  const byRank = [4, 3, 2, 1, 0].map((rank) => [rank, roads.roads.filter(([r]) => r === rank).map(([, flat]) => {
    const points = [];
    for (let i = 0; i < flat.length; i += 2) points.push([flat[i + 1], flat[i]]);
    return points;
  })]);
  // Every casing under every road, so that a greater road's casing never cuts across a lesser one at a junction;
  // widths follow the zoom, so that a village seen from afar is not a white tangle.
  const drawn = [];
  for (const casing of [true, false]) {
    for (const [rank, lines] of byRank) {
      const { color, weight, dashArray, casing: cased = true } = ROAD_STYLE[rank];
      if (casing && !cased) continue;
      const line = L.polyline(lines, { color: casing ? CASING : color, dashArray, interactive: false }).addTo(map);
      drawn.push([line, casing ? weight + 2 : weight]);
    }
  }
  const widths = () => {
    const scale = Math.min(2, Math.max(0.5, 2 ** ((map.getZoom() - ROADS_AS_DRAWN_AT) / 2)));
    for (const [line, weight] of drawn) line.setStyle({ weight: weight * scale });
  };
  map.on("zoomend", widths);
  widths();
  state.mapReady = true;
  drawLive();
}

// The route is sent anew each few hundred metres he drives; in between, the part behind him is cut off where he
// is nearest to it, so that the line starts at the van. Farther than this from it, he has left it: drawn whole
// until the new route comes.
const ON_THE_ROUTE_M = 60;

function aheadOf(position, line) {
  if (!position || line.length < 2) return line;
  const metresPerLon = 111320 * Math.cos(position.lat * Math.PI / 180);
  const xy = ([lat, lon]) => [(lon - position.lon) * metresPerLon, (lat - position.lat) * 111320];
  let best = { distance: Infinity, index: 0, at: line[0] };
  for (let i = 0; i + 1 < line.length; i++) {
    const [ax, ay] = xy(line[i]);
    const [bx, by] = xy(line[i + 1]);
    const length2 = (bx - ax) ** 2 + (by - ay) ** 2;
    const f = length2 ? Math.min(1, Math.max(0, -(ax * (bx - ax) + ay * (by - ay)) / length2)) : 0;
    const distance = Math.hypot(ax + f * (bx - ax), ay + f * (by - ay));  // from him, at (0, 0)
    if (distance < best.distance) {
      const at = [line[i][0] + f * (line[i + 1][0] - line[i][0]), line[i][1] + f * (line[i + 1][1] - line[i][1])];
      best = { distance, index: i, at };
    }
  }
  return best.distance > ON_THE_ROUTE_M ? line : [best.at, ...line.slice(best.index + 1)];
}

const carMarker = (at) => L.circleMarker(at, { radius: 9, color: "#fff", weight: 3, fillColor: "#c62828", fillOpacity: 1 })
  .bindTooltip(text.theCar);

function drawLive() {
  const map = state.map;
  const t = state.tracking;
  if (!state.mapReady || !t) return;
  const { layers } = state;
  const line = t.route ? aheadOf(state.position, t.route.geometry.coordinates.map(([lon, lat]) => [lat, lon])) : null;
  if (line) {
    if (layers.route) layers.route.setLatLngs(line);
    else layers.route = L.polyline(line, { color: "#1a5fd0", weight: 6, opacity: 0.9, interactive: false }).addTo(map);
  }
  // The car where the order has it: the route may end short of it, on the nearest road a van can reach.
  const car = t.car ? [t.car.lat, t.car.lon] : line ? line[line.length - 1] : null;
  if (car) {
    if (layers.car) layers.car.setLatLng(car);
    else layers.car = carMarker(car).addTo(map);
  }
  // The road ends short of the car (no road joined to the rest comes nearer): the technician walks the rest, dotted.
  const end = line && line[line.length - 1];
  const onFoot = end && car && L.latLng(end).distanceTo(car) > WALK_FROM_M ? [end, car] : null;
  if (onFoot && layers.onFoot) layers.onFoot.setLatLngs(onFoot);
  else if (onFoot) layers.onFoot = L.polyline(onFoot, { color: "#1a5fd0", weight: 3, dashArray: "1 7", interactive: false }).addTo(map);
  else if (layers.onFoot) { layers.onFoot.remove(); delete layers.onFoot; }
  const pin = pinWithoutRoad(t);
  if (pin && !t.route) {
    if (!state.pinShown) map.setView([pin.lat, pin.lon], 17, { animate: false });  // close enough to see the roads by it
    state.pinShown = true;
  }
  const p = state.position;
  if (p) {
    if (layers.technician) layers.technician.setLatLng([p.lat, p.lon]);
    else layers.technician = L.marker([p.lat, p.lon], {
      icon: L.divIcon({ className: "van", html: '<span class="van-heading"></span><span class="van-dot"></span>', iconSize: [34, 34] }),
      interactive: false, keyboard: false,
    }).bindTooltip(t.technician ? t.technician.name : text.technician, { permanent: true, direction: "top", offset: [0, -14] })
      .addTo(map);
    // Which way he drives, while his phone says so: a van standing still has no heading.
    const heading = layers.technician.getElement().querySelector(".van-heading");
    heading.hidden = p.heading == null;
    if (p.heading != null) heading.style.rotate = `${p.heading}deg`;
  } else if (layers.technician) {
    layers.technician.remove();
    delete layers.technician;
  }
  if (!state.fitted) {
    if (p && layers.route) { // the whole way left: from him, along the route, to the car
      const way = layers.route.getBounds().extend([p.lat, p.lon]);
      map.fitBounds(car ? way.extend(car) : way, { padding: [40, 40], maxZoom: 17, animate: false });
      state.fitted = true;
    } else if (p && car) { // no route yet: him and the car
      map.fitBounds(L.latLngBounds([[p.lat, p.lon], car]), { padding: [40, 40], maxZoom: 16, animate: false });
    } else if (p) map.setView([p.lat, p.lon], 16, { animate: false });
  }
}

// The live stream: a snapshot, then status, position, ETA and route messages; it ends with the job.
let retry = 1000;
function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}${api}/live`);
  ws.onopen = () => { retry = 1000; };
  ws.onmessage = (message) => {
    stats.messages += 1;
    const event = JSON.parse(message.data);
    const t = state.tracking;
    switch (event.type) {
      case "snapshot":
        if (t && event.order.technician && who(event.order.technician) !== who(t.technician)) handedOn(t);
        state.tracking = event.order;
        state.position = event.position;
        break;
      case "status":
        t.status = event.status;
        if (event.cancel_cause) t.cancel_cause = event.cancel_cause;
        if (event.technician && who(event.technician) !== who(t.technician)) handedOn(t);
        if (event.technician) t.technician = event.technician;
        if (!LIVE.has(event.status)) { state.position = null; t.eta = null; t.route = null; }
        // Someone is coming: his position, the arrival time and the car are in the view, not in this message.
        else refresh();
        break;
      case "position":
        state.position = { lat: event.lat, lon: event.lon, heading: event.heading, at: event.at };
        stats.positions += 1;
        break;
      case "eta":
        t.eta = { seconds: event.seconds, arrival_at: event.arrival_at, promised_at: event.promised_at,
                  confidence: event.confidence, late: event.late };
        break;
      case "route":
        t.route = { geometry: event.geometry, distance_m: event.distance_m, duration_s: event.duration_s };
        break;
      case "held_up":
        t.held_up = event.trouble;
        break;
      case "search":
        t.search = event.outcome;
        break;
      default:
        return;
    }
    render();
    drawLive();
  };
  ws.onclose = (closed) => {
    state.live = false;
    if (closed.code === 4401) { location.reload(); return; } // the link no longer works: the server says so
    if (closed.code === 1000) { load(false); return; } // the job ended: read the outcome once
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 30000);
  };
  state.live = true;
}

function who(technician) {
  return technician ? `${technician.name} ${technician.photo_url}` : null;
}

// Handed on to another technician: the last position, route, estimate and hold-up were the other one's. His own
// come with his next fix, and then his way is framed afresh, under his name.
function handedOn(t) {
  state.position = null; t.eta = null; t.route = null; t.held_up = null; state.fitted = false;
  for (const name of ["technician", "route"]) if (state.layers[name]) { state.layers[name].remove(); delete state.layers[name]; }
}

async function refresh() {
  await load(false);
  drawLive();
}

async function load(follow) {
  const response = await fetch(api, { cache: "no-store" });
  if (response.status === 404) { location.reload(); return; }
  if (!response.ok) { $("note").textContent = text.loadFailed; setTimeout(() => load(follow), 5000); return; }
  state.tracking = await response.json();
  state.position = state.tracking.position;
  render();
  if (follow && !ENDED.has(state.tracking.status)) connect();
}

// The rating form: 1–5, 0–10 and 1–7 scales as buttons, a comment; once per job.
function buildScales() {
  for (const scale of document.querySelectorAll(".scale")) {
    const { name } = scale.dataset;
    for (let v = Number(scale.dataset.from); v <= Number(scale.dataset.to); v += 1) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      Object.assign(input, { type: "radio", name, value: String(v), required: name === "csat" });
      const span = document.createElement("span");
      span.textContent = String(v);
      label.append(input, span);
      scale.append(label);
    }
  }
}

// Once a score is chosen, the request to choose one goes.
$("rating-form").addEventListener("change", (e) => {
  if (e.target.name === "csat" && $("rating-error").textContent === text.chooseCsat) $("rating-error").textContent = "";
});

function chosen(name) {
  const input = document.querySelector(`input[name=${name}]:checked`);
  return input ? Number(input.value) : null;
}

$("rating-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const csat = chosen("csat");
  // The form is not left to the browser's own check: its bubble speaks the browser's language, not the page's.
  if (csat === null) {
    $("rating-error").textContent = text.chooseCsat;
    document.querySelector("input[name=csat]").focus();
    return;
  }
  $("rating-error").textContent = "";
  const body = { csat };
  for (const name of ["nps", "ces"]) if (chosen(name) !== null) body[name] = chosen(name);
  const comment = $("comment").value.trim();
  if (comment) body.comment = comment;
  $("rating-submit").disabled = true;
  const response = await fetch(`${api}/feedback`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  $("rating-submit").disabled = false;
  if (response.status === 201 || response.status === 409) {
    $("thanks").dataset.sent = "yes";
    const given = response.status === 201 ? await response.json().catch(() => ({})) : {};
    state.tracking.call_back_by = given.call_back_by || state.tracking.call_back_by;
    state.tracking.feedback_open = false;
    render();
    return;
  }
  const problem = await response.json().catch(() => ({}));
  $("rating-error").textContent = (lang === "en" && problem.detail) || text.sendFailed;
});

setInterval(renderEta, 15000);
buildScales();
load(true);
