# Push notifications in Russian: each kind of push is a message with a .title and a .body.
#
# notifications/templates.py passes every variable below to every message, so none is ever missing:
#   $technician  the technician's name ("Анна К."), or technician-unnamed when it is not known;
#                it only ever starts a sentence and stays in the nominative (names are not declined)
#   $gender      female, male or other (other when the gender or the name is not known): past-tense
#                verbs agree with it, and the other variant avoids gendered forms altogether
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
# Counts of minutes and seconds follow "через", "за" and "уже" here, so they take the accusative:
# 1 минуту, 2 минуты, 5 минут, 11 минут, 21 минуту, 22 минуты.

## Shared pieces

technician-unnamed = Мастер

# Services, with the nominative ("Новая заявка: замена колеса") and the accusative ("заявка на замену колеса").
-tow =
    { $case ->
       *[nominative] эвакуация
        [accusative] эвакуацию
    }
-jump-start = прикуривание
-tyre-change =
    { $case ->
       *[nominative] замена колеса
        [accusative] замену колеса
    }
-fuel-delivery =
    { $case ->
       *[nominative] доставка топлива
        [accusative] доставку топлива
    }
-lockout = вскрытие автомобиля
-winch = вытаскивание лебёдкой
-roadside-help =
    { $case ->
       *[nominative] помощь на дороге
        [accusative] помощь
    }

# As in "Новая заявка: эвакуация".
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
# As in "заявка на эвакуацию".
service-request =
    { $service ->
        [tow] { -tow(case: "accusative") }
        [jump_start] { -jump-start(case: "accusative") }
        [tyre_change] { -tyre-change(case: "accusative") }
        [fuel_delivery] { -fuel-delivery(case: "accusative") }
        [lockout] { -lockout(case: "accusative") }
        [winch] { -winch(case: "accusative") }
       *[other] { -roadside-help(case: "accusative") }
    }

# What the driver should look out for: "Машина: белый Ford Transit, LI 12345."
# The colour stays in the masculine nominative, as for "автомобиль", whatever the make.
vehicle-look =
    { $vehicle ->
        [plate] Номер машины: { $plate }.
        [color] Цвет машины: { vehicle-color }.
        [color-plate] Цвет машины: { vehicle-color }, номер { $plate }.
        [car] Машина: { vehicle-car }.
       *[car-plate] Машина: { vehicle-car }, { $plate }.
    }
vehicle-car =
    { $color ->
        [none] { $car }
       *[other] { vehicle-color } { $car }
    }
vehicle-color =
    { $color ->
        [white] белый
        [black] чёрный
        [silver] серебристый
        [grey] серый
        [gray] серый
        [blue] синий
        [red] красный
        [green] зелёный
        [yellow] жёлтый
        [orange] оранжевый
        [brown] коричневый
        [beige] бежевый
       *[other] { $color }
    }

# "Анна приедет в 14:05."
arrives-at =
    { $arrival ->
        [none] { $technician } скоро будет у вас.
       *[other] { $technician } приедет не позже { $arrival }.
    }

## To the driver

assigned =
    .title = Мы нашли вам мастера
    .body =
        { $vehicle ->
            [none] { arrives-at }
           *[other] { arrives-at } { vehicle-look }
        }

en_route =
    .title =
        { $gender ->
            [female] { $technician } выехала к вам
            [male] { $technician } выехал к вам
           *[other] { $technician } уже в пути
        }
    .body =
        { $arrival ->
            [none] Следите за машиной на карте в приложении.
           *[other] Будет у вас примерно в { $arrival }. Следите за машиной на карте в приложении.
        }

eta_changed =
    .title =
        { $after_arriving ->
            [yes]
                { $arrival ->
                    [none] Позже, чем мы писали
                   *[other] Позже, чем мы писали: { $arrival }
                }
           *[no]
                { $arrival ->
                    [none] Время прибытия изменилось
                   *[other] Новое время прибытия: { $arrival }
                }
        }
    .body =
        { $after_arriving ->
            [yes]
                { $arrival ->
                    [none] { $technician } не успевает ко времени из нашего прошлого сообщения. Извините за ожидание, мы будем держать вас в курсе.
                   *[other] { $technician } не успевает ко времени из нашего прошлого сообщения и приедет в { $arrival }. Извините за ожидание.
                }
           *[no]
                { $arrival ->
                    [none] { $technician } задерживается. Извините за ожидание, мы будем держать вас в курсе.
                   *[other] { $technician } задерживается и приедет в { $arrival }. Извините за ожидание.
                }
        }

arriving =
    .title = { $technician } почти на месте
    .body =
        { NUMBER($minutes) ->
            [0] Приедет с минуты на минуту.
            [one] Приедет через { $minutes } минуту.
            [few] Приедет через { $minutes } минуты.
            [many] Приедет через { $minutes } минут.
           *[other] Приедет через { $minutes } минуты.
        } Пожалуйста, будьте рядом с машиной.

arrived =
    .title =
        { $gender ->
            [female] { $technician } приехала
            [male] { $technician } приехал
           *[other] { $technician } на месте
        }
    .body = Если вы не у машины, пожалуйста, подойдите к ней.

completed =
    .title = Заявка выполнена
    .body =
        { $service ->
            [tow]
                { $gender ->
                    [female] { $technician } доставила вашу машину. Спасибо за терпение!
                    [male] { $technician } доставил вашу машину. Спасибо за терпение!
                   *[other] Ваша машина доставлена. Спасибо за терпение!
                }
           *[other]
                { $gender ->
                    [female] { $technician } закончила работу. Счастливого пути!
                    [male] { $technician } закончил работу. Счастливого пути!
                   *[other] Всё готово. Счастливого пути!
                }
        }

failed =
    .title =
        { $service ->
            [tow] Не удалось эвакуировать машину
            [jump_start] Не удалось завести машину
            [tyre_change] Не удалось заменить колесо
            [lockout] Не удалось открыть машину
            [winch] Не удалось вытащить машину
           *[other] Не удалось помочь на месте
        }
    .body =
        { $service ->
            [tow] Мы позвоним вам в ближайшие минуты и договоримся о новой эвакуации.
           *[other] Мы позвоним вам в ближайшие минуты и договоримся об эвакуации или повторном выезде мастера.
        }

feedback_request =
    .title = Как всё прошло?
    .body = Оцените, пожалуйста, работу мастера — это займёт десять секунд.

cancelled =
    .title = Заявка отменена
    .body =
        { $cancel_cause ->
            [driver_asked] Мы отменили вашу заявку на { service-request }, как вы просили.
            [duplicate] Мы отменили вашу заявку на { service-request }: она повторяла другую вашу заявку.
            [help_not_needed] Мы отменили вашу заявку на { service-request }: помощь вам больше не нужна. Если понадобится, создайте новую заявку.
            [location_unreachable] Мы отменили вашу заявку на { service-request }: до этого места не доехать. Если помощь ещё нужна, создайте заявку с места, куда можно подъехать.
            [unsafe] Мы отменили вашу заявку на { service-request }: отправлять туда мастера небезопасно. Если вам угрожает опасность, звоните 112.
           *[other] Мы отменили вашу заявку на { service-request }. Если помощь ещё нужна, создайте новую заявку.
        }

no_road =
    .title = Пока не видим дороги к вашей метке
    .body = Мастера рядом не могут проехать к вашей метке. Ищем дальше; если никто не доедет, вам позвонит оператор.

unfulfilled =
    .title = Простите, мы не нашли мастера
    .body = Мы не смогли вовремя отправить к вам мастера. Оператор позвонит вам в ближайшие минуты. Помощь можно вызвать снова.

reassigned =
    .title = К вам едет другой мастер
    .body =
        { $vehicle ->
            [none] { arrives-at }
           *[other] { arrives-at } { vehicle-look }
        }

delayed =
    .title = { $technician }, похоже, задерживается
    .body = Возможно, пропала связь. Мы выясняем, в чём дело, и будем держать вас в курсе.

held_up =
    .title = { $technician }, похоже, задерживается
    .body =
        { $gender ->
            [female] Она давно не приближается к вам. Мы выясняем, в чём дело, и можем прислать другого мастера.
            [male] Он давно не приближается к вам. Мы выясняем, в чём дело, и можем прислать другого мастера.
           *[other] Мастер давно не приближается к вам. Мы выясняем, в чём дело, и можем прислать другого мастера.
        }

## To the technician

offer =
    .title = Новая заявка: { service-label }
    .body =
        { $address ->
            [none]
                { NUMBER($minutes) ->
                    [0] Время в пути пока неизвестно.
                    [one] До клиента ехать { $minutes } минуту.
                    [few] До клиента ехать { $minutes } минуты.
                    [many] До клиента ехать { $minutes } минут.
                   *[other] До клиента ехать { $minutes } минуты.
                }
           *[other]
                { NUMBER($minutes) ->
                    [0] { $address }, время в пути пока неизвестно.
                    [one] { $address }, ехать { $minutes } минуту.
                    [few] { $address }, ехать { $minutes } минуты.
                    [many] { $address }, ехать { $minutes } минут.
                   *[other] { $address }, ехать { $minutes } минуты.
                }
        } { NUMBER($ttl) ->
            [0] Ответьте как можно скорее.
            [one] Ответьте за { $ttl } секунду.
            [few] Ответьте за { $ttl } секунды.
            [many] Ответьте за { $ttl } секунд.
           *[other] Ответьте за { $ttl } секунды.
        }

job_assigned =
    .title = Вам назначена заявка: { service-label }
    .body =
        { $address ->
            [none] Оператор назначил вам эту заявку. Откройте приложение, чтобы увидеть, где клиент, и выезжайте.
           *[other] Оператор назначил вам эту заявку: { $address }. Откройте приложение и выезжайте.
        }

job_cancelled =
    .title = Заявка отменена
    .body =
        { $by_driver ->
            [yes] Клиент отменил заявку на { service-request }. Ехать не нужно, можно брать новые заявки.
           *[no] { $cancel_cause ->
                [driver_asked] Заявка на { service-request } отменена по просьбе клиента. Ехать не нужно, можно брать новые заявки.
                [duplicate] Заявка на { service-request } отменена: это повтор другой заявки. Ехать не нужно, можно брать новые заявки.
                [help_not_needed] Заявка на { service-request } отменена: клиенту больше не нужна помощь. Ехать не нужно, можно брать новые заявки.
                [location_unreachable] Заявка на { service-request } отменена: до места не доехать. Ехать не нужно, можно брать новые заявки.
                [unsafe] Заявка на { service-request } отменена: ехать туда небезопасно. Не езжайте туда; можно брать новые заявки.
               *[other] Заявка на { service-request } отменена. Ехать не нужно, можно брать новые заявки.
            }
        }

job_reassigned =
    .title = Заявка передана другому мастеру
    .body = Заявку на { service-request } выполнит другой мастер. Ехать не нужно, можно брать новые заявки.

stall_check =
    .title = Вы всё ещё в пути?
    .body =
        { NUMBER($minutes) ->
            [0] Вы давно не приближаетесь к клиенту.
            [one] Вы не приближаетесь к клиенту уже { $minutes } минуту.
            [few] Вы не приближаетесь к клиенту уже { $minutes } минуты.
            [many] Вы не приближаетесь к клиенту уже { $minutes } минут.
           *[other] Вы не приближаетесь к клиенту уже { $minutes } минуты.
        } Нажмите, чтобы подтвердить, или расскажите, что случилось.

signal_check =
    .title = Мы не видим, где вы
    .body =
        { NUMBER($minutes) ->
            [0] Ваш телефон давно не передаёт местоположение.
            [one] Ваш телефон не передаёт местоположение уже { $minutes } минуту.
            [few] Ваш телефон не передаёт местоположение уже { $minutes } минуты.
            [many] Ваш телефон не передаёт местоположение уже { $minutes } минут.
           *[other] Ваш телефон не передаёт местоположение уже { $minutes } минуты.
        } Проверьте, что приложение открыто и геолокация включена.

set_offline =
    .title = Вы не на линии
    .body =
        { NUMBER($minutes) ->
            [0] Телефон давно не передаёт местоположение, новые заявки не приходят.
            [one] Телефон больше { $minutes } минуты не передаёт местоположение, новые заявки не приходят.
            [few] Телефон больше { $minutes } минут не передаёт местоположение, новые заявки не приходят.
            [many] Телефон больше { $minutes } минут не передаёт местоположение, новые заявки не приходят.
           *[other] Телефон больше { $minutes } минуты не передаёт местоположение, новые заявки не приходят.
        } Выйдите на линию, когда будете готовы.

## To the operators

sla_alert =
    .title =
        { $state ->
            [at_risk] Заявка под угрозой нарушения SLA
            [breached] SLA по заявке нарушен
           *[other] Заявка требует внимания
        }
    .body =
        { $cause ->
            [not_arrived] Причина: помощь не прибыла за { $minutes } мин. Откройте заявку в консоли.
            [not_assigned] Причина: за { $minutes } мин. мастер так и не назначен. Откройте заявку в консоли.
            [promise_passed] Причина: обещанное время прибытия прошло. Откройте заявку в консоли.
            [stalled] Причина: мастер не приближается к клиенту. Откройте заявку в консоли.
            [no_signal] Причина: от мастера нет сигнала. Откройте заявку в консоли.
            [no_eta] Причина: время прибытия неизвестно, не удаётся построить маршрут от мастера до клиента. Откройте заявку в консоли.
            [eta_beyond_promise] Причина: по прогнозу мастер приедет позже обещанного. Откройте заявку в консоли.
            [eta_beyond_target] Причина: по прогнозу помощь прибудет позже, чем через { $minutes } мин. после заявки. Откройте заявку в консоли.
            [not_called_back] Причина: недовольному клиенту не перезвонили вовремя. Откройте обратные звонки в консоли.
           *[other]
                { $reason ->
                    [none] Откройте заявку в консоли, чтобы узнать подробности.
                   *[other] Причина: { $reason }. Откройте заявку в консоли.
                }
        }
