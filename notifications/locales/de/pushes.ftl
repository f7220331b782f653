# Push notifications in German: each kind of push is a message with a .title and a .body.
# Spelt as in Liechtenstein and Switzerland, where our German-speaking drivers are: ss, never ß.
#
# notifications/templates.py passes every variable below to every message, so none is ever missing:
#   $technician  the technician's name ("Anna K."), or technician-unnamed when it is not known;
#                it only ever starts a sentence
#   $gender      female, male or other (other when the gender or the name is not known); the texts need
#                no pronoun for the technician ("Sie" would read as the formal "you"), so none selects on it
#   $service     tow, jump_start, tyre_change, fuel_delivery, lockout, winch, or other
#   $arrival     the local time of arrival ("14:05"), or none
#   $minutes     a whole number of minutes, 0 when not known
#   $ttl         seconds left to answer a job offer, 0 when not known
#   $vehicle     what is known of the technician's vehicle: none, plate, color, color-plate, car, car-plate
#   $car         its make and model ("Ford Transit"), or none
#   $color       its colour in lower case, usually in English ("white"), or none
#   $plate       its registration plate, or none
#   $reason      free text without a closing full stop, or none
#   $state       at_risk, breached, or none
#   $cause       why an SLA alert was raised: not_arrived, not_assigned, promise_passed, stalled, no_signal,
#                eta_beyond_promise, eta_beyond_target, not_called_back, no_eta; other (then $reason says it in English), or none
#   $address     where the driver is, or none
#   $cancel_cause  why an order was called off: driver_asked, duplicate, help_not_needed, location_unreachable,
#                unsafe, other, or none (an operator's or partner's free-text reason is never pushed: it is in
#                whatever language they typed it)
#   $by_driver   yes when the driver called his own request off, otherwise no
#   $after_arriving  yes when the driver was already told the technician is almost there, otherwise no
#
# Drivers and technicians are addressed with "Sie". Nobody is named by a gendered noun ("der Techniker",
# "der Fahrer"): the help, the job, the place and the vehicle are.

## Shared pieces

technician-unnamed = Die Pannenhilfe

-tow = Abschleppen
-jump-start = Starthilfe
-tyre-change = Reifenwechsel
-fuel-delivery = Kraftstofflieferung
-lockout = Türöffnung
-winch = Bergung mit Seilwinde
-roadside-help = Pannenhilfe

# As in "Neuer Auftrag: Abschleppen".
service-label =
    { $service ->
        [tow] { -tow }
        [jump_start] { -jump-start }
        [tyre_change] { -tyre-change }
        [fuel_delivery] { -fuel-delivery }
        [lockout] { -lockout }
        [winch] { -winch }
       *[other] { -roadside-help }
    }
# As in "Ihre Anfrage „Abschleppen“", quoted: a service's name takes no article that way.
service-request = „{ service-label }“

# What the driver should look out for: "Fahrzeug: Ford Transit, weiss, LI 12345." The colour comes after
# the make, undeclined, as makes differ in gender.
vehicle-look =
    { $vehicle ->
        [plate] Kennzeichen: { $plate }.
        [color] Fahrzeugfarbe: { vehicle-color }.
        [color-plate] Fahrzeugfarbe: { vehicle-color }, Kennzeichen { $plate }.
        [car] Fahrzeug: { vehicle-car }.
       *[car-plate] Fahrzeug: { vehicle-car }, { $plate }.
    }
vehicle-car =
    { $color ->
        [none] { $car }
       *[other] { $car }, { vehicle-color }
    }
vehicle-color =
    { $color ->
        [white] weiss
        [black] schwarz
        [silver] silber
        [grey] grau
        [gray] grau
        [blue] blau
        [red] rot
        [green] grün
        [yellow] gelb
        [orange] orange
        [brown] braun
        [beige] beige
       *[other] { $color }
    }

# "Anna ist um 14:05 Uhr bei Ihnen."
arrives-at =
    { $arrival ->
        [none] { $technician } ist bald bei Ihnen.
       *[other] { $technician } ist spätestens um { $arrival } Uhr bei Ihnen.
    }

## To the driver

assigned =
    .title = Wir haben Hilfe für Sie gefunden
    .body =
        { $vehicle ->
            [none] { arrives-at }
           *[other] { arrives-at } { vehicle-look }
        }

en_route =
    .title = { $technician } ist unterwegs zu Ihnen
    .body =
        { $arrival ->
            [none] Den Weg sehen Sie live auf der Karte in der App.
           *[other] Ankunft gegen { $arrival } Uhr. Den Weg sehen Sie live auf der Karte in der App.
        }

eta_changed =
    .title =
        { $after_arriving ->
            [yes]
                { $arrival ->
                    [none] Später als angekündigt
                   *[other] Später als angekündigt: { $arrival } Uhr
                }
           *[no]
                { $arrival ->
                    [none] Die Ankunftszeit hat sich geändert
                   *[other] Neue Ankunftszeit: { $arrival } Uhr
                }
        }
    .body =
        { $after_arriving ->
            [yes]
                { $arrival ->
                    [none] { $technician } braucht länger als in unserer letzten Nachricht angekündigt. Entschuldigen Sie die Wartezeit, wir halten Sie auf dem Laufenden.
                   *[other] { $technician } braucht länger als in unserer letzten Nachricht angekündigt und ist jetzt um { $arrival } Uhr da. Entschuldigen Sie die Wartezeit.
                }
           *[no]
                { $arrival ->
                    [none] { $technician } verspätet sich. Entschuldigen Sie die Wartezeit, wir halten Sie auf dem Laufenden.
                   *[other] { $technician } verspätet sich und ist jetzt um { $arrival } Uhr da. Entschuldigen Sie die Wartezeit.
                }
        }

arriving =
    .title = { $technician } ist gleich da
    .body =
        { NUMBER($minutes) ->
            [0] Ankunft in wenigen Augenblicken. Bitte bleiben Sie in der Nähe Ihres Autos.
            [one] Ankunft in { $minutes } Minute. Bitte bleiben Sie in der Nähe Ihres Autos.
           *[other] Ankunft in { $minutes } Minuten. Bitte bleiben Sie in der Nähe Ihres Autos.
        }

arrived =
    .title = { $technician } ist da
    .body = Falls Sie nicht bei Ihrem Auto sind, gehen Sie bitte dorthin zurück.

completed =
    .title = Erledigt
    .body =
        { $service ->
            [tow] { $technician } hat Ihr Auto ans Ziel gebracht. Danke für Ihre Geduld!
           *[other] { $technician } hat die Arbeit abgeschlossen. Gute Fahrt!
        }

failed =
    .title =
        { $service ->
            [tow] Abschleppen war nicht möglich
            [jump_start] Ihr Auto liess sich nicht starten
            [tyre_change] Der Reifen liess sich nicht wechseln
            [lockout] Ihr Auto liess sich nicht öffnen
            [winch] Ihr Auto liess sich nicht bergen
           *[other] Vor Ort war keine Hilfe möglich
        }
    .body =
        { $service ->
            [tow] Wir rufen Sie in wenigen Minuten an und organisieren einen anderen Abschleppwagen.
           *[other] Wir rufen Sie in wenigen Minuten an und organisieren das Abschleppen oder einen neuen Einsatz.
        }

feedback_request =
    .title = Wie ist es gelaufen?
    .body = Bitte bewerten Sie die Hilfe. Das dauert nur zehn Sekunden.

cancelled =
    .title = Anfrage storniert
    .body =
        { $cancel_cause ->
            [driver_asked] Ihre Anfrage { service-request } wurde wie gewünscht storniert.
            [duplicate] Ihre Anfrage { service-request } wurde storniert: Sie war doppelt.
            [help_not_needed] Ihre Anfrage { service-request } wurde storniert, da Sie keine Hilfe mehr brauchen. Ändert sich das, fordern Sie sie bitte neu an.
            [location_unreachable] Ihre Anfrage { service-request } wurde storniert: Wir kommen mit keinem Fahrzeug an diesen Ort. Brauchen Sie noch Hilfe, fordern Sie sie bitte von einer erreichbaren Strasse aus an.
            [unsafe] Ihre Anfrage { service-request } wurde storniert: Es ist nicht sicher, dort jemanden hinzuschicken. Sind Sie in Gefahr, rufen Sie 112.
           *[other] Ihre Anfrage { service-request } wurde storniert. Brauchen Sie noch Hilfe, fordern Sie sie bitte neu an.
        }

no_road =
    .title = Noch kein Weg zu Ihrer Markierung
    .body = Die Pannenhilfe in der Nähe findet keine Strasse zu Ihrer Markierung. Wir suchen weiter, sonst rufen wir Sie an.

unfulfilled =
    .title = Leider haben wir niemanden gefunden
    .body = Das tut uns leid. Wir rufen Sie in wenigen Minuten an, oder Sie fordern erneut Hilfe an.

reassigned =
    .title = Ein anderes Einsatzfahrzeug kommt
    .body =
        { $vehicle ->
            [none] { arrives-at }
           *[other] { arrives-at } { vehicle-look }
        }

delayed =
    .title = { $technician } wurde wohl aufgehalten
    .body = Vielleicht ist das Signal weg. Wir prüfen das und halten Sie auf dem Laufenden.

held_up =
    .title = { $technician } wurde wohl aufgehalten
    .body = Seit einer Weile kommt das Fahrzeug nicht näher. Wir prüfen das und schicken eventuell andere Hilfe.

## To the technician

offer =
    .title = Neuer Auftrag: { service-label }
    .body =
        { $address ->
            [none]
                { NUMBER($minutes) ->
                    [0] Die Fahrzeit ist noch nicht bekannt.
                    [one] Der Einsatzort ist { $minutes } Minute entfernt.
                   *[other] Der Einsatzort ist { $minutes } Minuten entfernt.
                }
           *[other]
                { NUMBER($minutes) ->
                    [0] { $address }, Fahrzeit noch nicht bekannt.
                    [one] { $address }, { $minutes } Minute entfernt.
                   *[other] { $address }, { $minutes } Minuten entfernt.
                }
        } { NUMBER($ttl) ->
            [0] Bitte so bald wie möglich annehmen oder ablehnen.
            [one] Bitte innerhalb von { $ttl } Sekunde annehmen oder ablehnen.
           *[other] Bitte innerhalb von { $ttl } Sekunden annehmen oder ablehnen.
        }

job_assigned =
    .title = Auftrag für Sie: { service-label }
    .body =
        { $address ->
            [none] Die Zentrale hat Ihnen diesen Auftrag zugewiesen. Öffnen Sie die App, um den Einsatzort zu sehen, und fahren Sie los.
           *[other] Die Zentrale hat Ihnen diesen Auftrag zugewiesen: { $address }. Öffnen Sie die App und fahren Sie los.
        }

job_cancelled =
    .title = Auftrag storniert
    .body =
        { $by_driver ->
            [yes] Der Auftrag { service-request } wurde storniert. Sie müssen nicht hinfahren und können neue Aufträge annehmen.
           *[no] { $cancel_cause ->
                [driver_asked] Der Auftrag { service-request } wurde auf Wunsch der anfragenden Person storniert. Sie müssen nicht hinfahren und können neue Aufträge annehmen.
                [duplicate] Der Auftrag { service-request } wurde storniert: Er war doppelt. Sie müssen nicht hinfahren und können neue Aufträge annehmen.
                [help_not_needed] Der Auftrag { service-request } wurde storniert: Es wird keine Hilfe mehr gebraucht. Sie müssen nicht hinfahren und können neue Aufträge annehmen.
                [location_unreachable] Der Auftrag { service-request } wurde storniert: Der Ort ist über die Strasse nicht erreichbar. Sie müssen nicht hinfahren und können neue Aufträge annehmen.
                [unsafe] Der Auftrag { service-request } wurde storniert: Es ist dort nicht sicher. Fahren Sie nicht hin; Sie können neue Aufträge annehmen.
               *[other] Der Auftrag { service-request } wurde storniert. Sie müssen nicht hinfahren und können neue Aufträge annehmen.
            }
        }

job_reassigned =
    .title = Auftrag weitergegeben
    .body = Der Auftrag { service-request } ging an jemand anderen. Sie müssen nicht hinfahren und können neue annehmen.

stall_check =
    .title = Noch unterwegs?
    .body =
        { NUMBER($minutes) ->
            [0] Sie kommen dem Einsatzort seit einer Weile nicht näher.
            [one] Sie kommen dem Einsatzort seit { $minutes } Minute nicht näher.
           *[other] Sie kommen dem Einsatzort seit { $minutes } Minuten nicht näher.
        } Tippen Sie zum Bestätigen oder sagen Sie uns, was los ist.

signal_check =
    .title = Wir sehen Ihren Standort nicht
    .body =
        { NUMBER($minutes) ->
            [0] Ihr Telefon sendet seit einer Weile keinen Standort.
            [one] Ihr Telefon sendet seit { $minutes } Minute keinen Standort.
           *[other] Ihr Telefon sendet seit { $minutes } Minuten keinen Standort.
        } Bitte prüfen Sie, ob die App geöffnet und die Ortung aktiviert ist.

set_offline =
    .title = Sie sind jetzt offline
    .body =
        { NUMBER($minutes) ->
            [0] Seit Langem kein Standort von Ihrem Telefon, daher keine Aufträge.
            [one] Seit über { $minutes } Minute kein Standort von Ihrem Telefon, daher keine Aufträge.
           *[other] Seit über { $minutes } Minuten kein Standort von Ihrem Telefon, daher keine Aufträge.
        } Gehen Sie online, wenn Sie bereit sind.

## To the operators

sla_alert =
    .title =
        { $state ->
            [at_risk] Auftrag droht das SLA zu verfehlen
            [breached] SLA bei einem Auftrag verfehlt
           *[other] Ein Auftrag braucht Aufmerksamkeit
        }
    .body =
        { $cause ->
            [not_arrived] Grund: Die Hilfe ist nicht innerhalb von { $minutes } Min. angekommen. Öffnen Sie den Auftrag in der Konsole.
            [not_assigned] Grund: Innerhalb von { $minutes } Min. wurde kein Techniker zugewiesen. Öffnen Sie den Auftrag in der Konsole.
            [promise_passed] Grund: Die zugesagte Ankunftszeit ist verstrichen. Öffnen Sie den Auftrag in der Konsole.
            [stalled] Grund: Die Hilfe kommt dem Fahrzeug nicht näher. Öffnen Sie den Auftrag in der Konsole.
            [no_signal] Grund: Das Einsatzfahrzeug sendet keinen Standort mehr. Öffnen Sie den Auftrag in der Konsole.
            [no_eta] Grund: Die Ankunftszeit ist unbekannt, es gibt keine Route zum Fahrzeug. Öffnen Sie den Auftrag in der Konsole.
            [eta_beyond_promise] Grund: Die Hilfe wird voraussichtlich nach der zugesagten Zeit eintreffen. Öffnen Sie den Auftrag in der Konsole.
            [eta_beyond_target] Grund: Die Hilfe wird voraussichtlich später als { $minutes } Min. nach der Bestellung eintreffen. Öffnen Sie den Auftrag in der Konsole.
            [not_called_back] Grund: Die unzufriedene Person wurde nicht rechtzeitig zurückgerufen. Öffnen Sie die Rückrufe in der Konsole.
           *[other]
                { $reason ->
                    [none] Details zum Auftrag finden Sie in der Konsole.
                   *[other] Grund: { $reason }. Öffnen Sie den Auftrag in der Konsole.
                }
        }
