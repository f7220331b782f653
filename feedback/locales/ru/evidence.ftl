# A technician's trust-score evidence in Russian: one line per fact, as feedback/explain.py picks it.
# Variables as in the English file. The job is named "заказ от <job-time>" (job-time needs no case of its
# own: "14:05, 3 декабря"; months in full, as an abbreviation's dot would double a sentence's). Counts of minutes and seconds are said in short forms (мин, с), which do not decline.

job-time = { $time }, { $day } { $month ->
    [1] января
    [2] февраля
    [3] марта
    [4] апреля
    [5] мая
    [6] июня
    [7] июля
    [8] августа
    [9] сентября
    [10] октября
    [11] ноября
   *[12] декабря
}

duration-minutes = { $minutes } мин
duration-minutes-seconds = { $minutes } мин { $seconds } с
duration-seconds = { $seconds } с

comment-rude = вы были грубы
comment-damage = машину повредили
and-joined = { $first } и { $second }

evidence-comment = В отзыве на заказ от { $job } водитель написал, что { $said }.
evidence-rating = Оценка { $stars } из 5 за заказ от { $job }.
evidence-stalled = По пути к заказу от { $job } вы не приближались к водителю.
evidence-stalled-for = По пути к заказу от { $job } вы { $duration } не приближались к водителю.
evidence-early = Приехали вовремя на заказ от { $job } ({ $duration } до обещанного времени).
evidence-within = Приехали вовремя на заказ от { $job } ({ $duration } после обещанного времени, в пределах допустимых { $tolerance }).
evidence-late = Опоздание на { $duration } на заказ от { $job }.
evidence-towed = Эвакуировали машину по заказу от { $job }, как и требовалось.
evidence-fixed = Починили на месте по заказу от { $job }.
evidence-not-fixed = Не удалось починить на месте по заказу от { $job }.
evidence-reassigned = Заказ от { $job } передан другому мастеру.
evidence-cancelled-early = Не в минус: водитель отменил заказ от { $job } до обещанного времени прибытия.
evidence-cancelled-late = Водитель отменил заказ от { $job }, когда обещанное время прибытия уже прошло.
evidence-saw-through = Довели заказ от { $job } до конца.
evidence-offer-accepted = Приняли предложение от { $offer }.
evidence-offer-expired = Не ответили на предложение от { $offer }, и оно истекло.
evidence-offer-declined = Отклонили предложение от { $offer }.

change-offer_accepted = Вы приняли предложение
change-offer_declined = Вы отклонили предложение
change-offer_expired = Предложение истекло без ответа
change-rating = Водитель оценил заказ
change-comment = Прочитан отзыв водителя
change-stalled = Поездка перестала продвигаться
change-reassigned_away = Заказ передан другому мастеру
change-arrived = Вы прибыли на заказ
change-completed = Вы завершили заказ
change-failed = Заказ завершён без ремонта
change-cancelled = Заказ отменён
change-past_jobs = Учтены ваши прошлые заказы
