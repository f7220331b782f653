# Push notifications in English: each kind of push is a message with a .title and a .body.
#
# notifications/templates.py passes every variable below to every message, so none is ever missing:
#   $technician  the technician's name ("Anna K."), or technician-unnamed when it is not known;
#                it only ever starts a sentence
#   $gender      female, male or other (other when the gender or the name is not known)
#   $service     tow, jump_start, tyre_change, fuel_delivery, lockout, winch, or other
#   $arrival     the local time of arrival ("14:05"), or none
#   $minutes     a whole number of minutes, 0 when not known
#   $ttl         seconds left to answer a job offer, 0 when not known
#   $vehicle     what is known of the technician's vehicle: none, plate, color, color-plate, car, car-plate
#   $car         its make and model ("Ford Transit"), or none
#   $color       its colour in lower case ("white"), or none
#   $plate       its registration plate, or none
#   $reason      free text without a closing full stop, or none
#   $state       at_risk, breached, or none
#   $cause       why an SLA alert was raised (see the other languages; English says $reason as it is), or none
#   $address     where the driver is, or none
#   $cancel_cause  why an order was called off: driver_asked, duplicate, help_not_needed, location_unreachable,
#                unsafe, other, or none (an operator's or partner's free-text reason is never pushed: it is in
#                whatever language they typed it)
#   $by_driver   yes when the driver called his own request off, otherwise no
#   $after_arriving  yes when the driver was already told the technician is almost there, otherwise no

## Shared pieces

technician-unnamed = Your technician

-tow = tow
-jump-start = jump start
-tyre-change = tyre change
-fuel-delivery = fuel delivery
-lockout = lockout
-winch = winch-out
-roadside-help = roadside assistance

# As in "New job: tow".
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
# As in "your tow request", "the tow job".
service-request = { service-label }

# What the driver should look out for: "Look for the white Ford Transit, LI 12345."
vehicle-look =
    { $vehicle ->
        [plate] Look for plate { $plate }.
        [color] Look for the { vehicle-color } car.
        [color-plate] Look for the { vehicle-color } car, { $plate }.
        [car] Look for the { vehicle-car }.
       *[car-plate] Look for the { vehicle-car }, { $plate }.
    }
vehicle-car =
    { $color ->
        [none] { $car }
       *[other] { vehicle-color } { $car }
    }
vehicle-color =
    { $color ->
        [gray] grey
       *[other] { $color }
    }

# "Anna will be with you by 14:05."
arrives-at =
    { $arrival ->
        [none] { $technician } will be with you soon.
       *[other] { $technician } will be with you by { $arrival }.
    }

## To the driver

assigned =
    .title = We've found you a technician
    .body =
        { $vehicle ->
            [none] { arrives-at }
           *[other] { arrives-at } { vehicle-look }
        }

en_route =
    .title =
        { $gender ->
            [female] { $technician } is on her way
            [male] { $technician } is on his way
           *[other] { $technician } is on the way
        }
    .body =
        { $arrival ->
            [none] You can follow the route on the map in the app.
           *[other] Expected at { $arrival }. You can follow the route on the map in the app.
        }

eta_changed =
    .title =
        { $after_arriving ->
            [yes]
                { $arrival ->
                    [none] Later than we said
                   *[other] Later than we said: { $arrival }
                }
           *[no]
                { $arrival ->
                    [none] The arrival time has changed
                   *[other] New arrival time: { $arrival }
                }
        }
    .body =
        { $after_arriving ->
            [yes]
                { $arrival ->
                    [none] { $technician } needs longer than our last message said. We're sorry for the wait and will keep you posted.
                   *[other] { $technician } needs longer than our last message said and now arrives at { $arrival }. We're sorry for the wait.
                }
           *[no]
                { $arrival ->
                    [none] { $technician } is running late. We're sorry for the wait and will keep you posted.
                   *[other] { $technician } is running late and now arrives at { $arrival }. We're sorry for the wait.
                }
        }

arriving =
    .title = { $technician } is almost there
    .body =
        { NUMBER($minutes) ->
            [0] Arriving any moment now. Please be near your car.
            [one] Arriving in { $minutes } minute. Please be near your car.
           *[other] Arriving in { $minutes } minutes. Please be near your car.
        }

arrived =
    .title = { $technician } has arrived
    .body = If you're not at your car, please head back to it.

completed =
    .title = Job done
    .body =
        { $service ->
            [tow] { $technician } has delivered your car. Thanks for your patience!
           *[other] { $technician } has finished the job. Drive safely!
        }

failed =
    .title =
        { $service ->
            [tow] We couldn't tow your car
            [jump_start] We couldn't start your car
            [tyre_change] We couldn't change your tyre
            [lockout] We couldn't open your car
            [winch] We couldn't pull your car out
           *[other] We couldn't get your car going on the spot
        }
    .body =
        { $service ->
            [tow] We'll call you within a few minutes to arrange another tow.
           *[other] We'll call you within a few minutes to arrange a tow or another visit.
        }

feedback_request =
    .title = How did it go?
    .body = Please rate the help you got. It takes ten seconds.

cancelled =
    .title = Request cancelled
    .body =
        { $cancel_cause ->
            [driver_asked] We've cancelled your { service-request } request, as you asked.
            [duplicate] We've cancelled your { service-request } request: it repeated another request of yours.
            [help_not_needed] We've cancelled your { service-request } request, as you no longer need help. If that changes, request it again.
            [location_unreachable] We've cancelled your { service-request } request: we can't get a vehicle to that place. If you still need help, request it from a road we can reach.
            [unsafe] We've cancelled your { service-request } request: it isn't safe to send a technician there. If you are in danger, call 112.
           *[other] We've cancelled your { service-request } request. If you still need help, please request it again.
        }

no_road =
    .title = No road to your pin yet
    .body = Technicians near you can't find a road to your pin. We keep looking; if nobody can reach you, an operator will call.

unfulfilled =
    .title = Sorry, we couldn't find a technician
    .body = We could not get a technician to you in time. An operator will call you within minutes, or you can request help again.

reassigned =
    .title = Another technician is coming
    .body =
        { $vehicle ->
            [none] { arrives-at }
           *[other] { arrives-at } { vehicle-look }
        }

delayed =
    .title = { $technician } seems to be held up
    .body = The signal may have dropped. We're checking and will keep you posted.

held_up =
    .title = { $technician } seems to be held up
    .body =
        { $gender ->
            [female] She hasn't moved towards you for a while. We're checking and may send another technician.
            [male] He hasn't moved towards you for a while. We're checking and may send another technician.
           *[other] There's been no progress towards you for a while. We're checking and may send another technician.
        }

## To the technician

offer =
    .title = New job: { service-label }
    .body =
        { $address ->
            [none]
                { NUMBER($minutes) ->
                    [0] The drive time isn't known yet.
                    [one] The driver is { $minutes } minute away.
                   *[other] The driver is { $minutes } minutes away.
                }
           *[other]
                { NUMBER($minutes) ->
                    [0] { $address }, drive time not known yet.
                    [one] { $address }, { $minutes } minute away.
                   *[other] { $address }, { $minutes } minutes away.
                }
        } { NUMBER($ttl) ->
            [0] Accept or decline as soon as you can.
            [one] Accept or decline within { $ttl } second.
           *[other] Accept or decline within { $ttl } seconds.
        }

job_assigned =
    .title = Job given to you: { service-label }
    .body =
        { $address ->
            [none] An operator gave you this job. Open the app to see where the driver is, and set out.
           *[other] An operator gave you this job: { $address }. Open the app and set out.
        }

job_cancelled =
    .title = Job cancelled
    .body =
        { $by_driver ->
            [yes] The driver has cancelled the { service-request } job. No need to go; you can take new jobs.
           *[no] { $cancel_cause ->
                [driver_asked] The { service-request } job is cancelled at the driver's request. No need to go; you can take new jobs.
                [duplicate] The { service-request } job is cancelled: it repeated another request. No need to go; you can take new jobs.
                [help_not_needed] The { service-request } job is cancelled: the driver no longer needs help. No need to go; you can take new jobs.
                [location_unreachable] The { service-request } job is cancelled: the place can't be reached by road. No need to go; you can take new jobs.
                [unsafe] The { service-request } job is cancelled: it isn't safe to go there. Don't go; you can take new jobs.
               *[other] The { service-request } job is cancelled. No need to go; you can take new jobs.
            }
        }

job_reassigned =
    .title = Job passed to another technician
    .body = The { service-request } job has gone to another technician. No need to go; you can take new jobs.

stall_check =
    .title = Still on your way?
    .body =
        { NUMBER($minutes) ->
            [0] You haven't moved towards the driver for a while.
            [one] You haven't moved towards the driver for { $minutes } minute.
           *[other] You haven't moved towards the driver for { $minutes } minutes.
        } Tap to confirm, or tell us what's happened.

signal_check =
    .title = We can't see where you are
    .body =
        { NUMBER($minutes) ->
            [0] Your phone hasn't sent your location for a while.
            [one] Your phone hasn't sent your location for { $minutes } minute.
           *[other] Your phone hasn't sent your location for { $minutes } minutes.
        } Please check the app is open and location is on.

set_offline =
    .title = You're offline now
    .body =
        { NUMBER($minutes) ->
            [0] No location from your phone for a long while, so no jobs for now.
            [one] No location from your phone for over { $minutes } minute, so no jobs for now.
           *[other] No location from your phone for over { $minutes } minutes, so no jobs for now.
        } Go online in the app when you're ready.

## To the operators

sla_alert =
    .title =
        { $state ->
            [at_risk] Order at risk of an SLA breach
            [breached] SLA breached on an order
           *[other] An order needs attention
        }
    .body =
        { $cause ->
            [not_called_back] Reason: the unhappy driver was not called back in time. Open the follow-ups in the console.
           *[other]
                { $reason ->
                    [none] Open the order in the console for details.
                   *[other] Reason: { $reason }. Open the order in the console.
                }
        }
