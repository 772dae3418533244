"""Deterministic generator of realistic citizens' posts, replies and photos for the simulator (R1)."""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from dataclasses import dataclass

MOSCOW = dt.timezone(dt.timedelta(hours=3), "MSK")

# platform -> (channel kind, weight)
PLATFORMS: dict[str, tuple[str, int]] = {
    "vk": ("social_network", 40),
    "ok": ("social_network", 15),
    "telegram": ("messenger", 15),
    "max": ("messenger", 8),
    "vk_video": ("video_hosting", 8),
    "rutube": ("video_hosting", 6),
    "youtube": ("video_hosting", 8),
}

FIRST_NAMES = (
    "Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Екатерина",
    "Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Иван", "Михаил", "Николай", "Владимир", "Павел",
)  # fmt: skip
SURNAMES = (
    ("Иванов", "Иванова"), ("Петров", "Петрова"), ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"),
    ("Попов", "Попова"), ("Соколов", "Соколова"), ("Лебедев", "Лебедева"), ("Новиков", "Новикова"),
    ("Морозов", "Морозова"), ("Волков", "Волкова"), ("Зайцев", "Зайцева"), ("Орлов", "Орлова"),
    ("Черников", "Черникова"), ("Полянский", "Полянская"), ("Бунин", "Бунина"),
)  # fmt: skip
NICKNAMES = (
    "Елецкая_мама", "elets48", "Житель_Засосны", "Lena_Elets", "Пенсионерка", "Водитель_Елец",
    "sasha.vrn", "Гость", "ТаняК", "dima_48reg", "Бабушка Валя", "kotik_elets", "Анонимный житель",
)  # fmt: skip
STREETS = (
    "ул. Коммунаров", "ул. Мира", "ул. Советская", "ул. Пушкина", "ул. Орджоникидзе", "ул. Радиотехническая",
    "ул. Черокманова", "ул. Александровская", "ул. Ленина", "ул. Костенко", "ул. Маяковского",
    "ул. Спутников", "ул. Юбилейная", "ул. Кротевича", "ул. Свердлова", "ул. Октябрьская",
)  # fmt: skip
FEMALE = frozenset(FIRST_NAMES[:10])

TOPICS: dict[str, tuple[str, ...]] = {
    "roads": (
        "Когда отремонтируют дорогу на {street}? Яма на яме, у дома {house} вчера пробил колесо.",
        "На {street} после ремонта асфальт уже провалился. Кто будет отвечать за такой ремонт?",
        "Прошу принять меры: на перекрёстке {street} и {street2} огромная лужа, пешеходам не пройти.",
    ),
    "yards": (
        "Во дворе дома {house} по {street} разбита детская площадка, качели сломаны. Когда починят?",
        "Прошу благоустроить двор на {street}, {house}: нет ни лавочек, ни освещения, одна грязь.",
        "Управляющая компания не убирает подъезды в доме {house} на {street}. Куда жаловаться?",
    ),
    "lighting": (
        "Уже неделю не горят фонари на {street} от дома {house} до остановки. Вечером страшно идти.",
        "Почему на {street} фонари горят днём, а ночью выключены?",
        "Прошу установить освещение у школы на {street}, дети идут в темноте.",
    ),
    "heating": (
        "В доме {house} на {street} холодные батареи, в квартире +16. Когда дадут нормальное отопление?",
        "Третий день нет горячей воды на {street}, {house}. Сколько ещё ждать?",
        "Прошу проверить котельную на {street}: у нас в подъезде трубы еле тёплые.",
    ),
    "transport": (
        "Автобус №{route} по утрам не ходит по расписанию, ждали 40 минут на {street}. Будут ли меры?",
        "Почему отменили маршрут №{route}? Как теперь добираться с {street} до больницы?",
        "Прошу вернуть остановку у дома {house} на {street}, пожилым людям далеко ходить.",
    ),
    "rubbish": (
        "Мусор у контейнерной площадки на {street}, {house} не вывозят уже неделю. Когда уберут?",
        "Стихийная свалка за гаражами на {street}. Прошу принять меры и убрать.",
        "Контейнеры на {street} переполнены, вокруг бегают крысы. Кто отвечает за вывоз?",
    ),
    "schools": (
        "В школе на {street} не работает столовая, дети голодные до обеда. Когда починят оборудование?",
        "Будет ли ремонт спортзала в школе №{route}? Крыша течёт уже второй год.",
        "Прошу сделать пешеходный переход у школы на {street}, машины несутся на большой скорости.",
    ),
    "snow": (
        "Когда почистят снег на {street}? Машины буксуют, пешеходы идут по проезжей части.",
        "Тротуар у дома {house} на {street} превратился в каток, люди падают. Посыпьте, пожалуйста!",
        "С крыши дома {house} по {street} свисают сосульки. Кто будет их сбивать?",
    ),
    "dogs": (
        "Стая бездомных собак у дома {house} на {street} кидается на детей. Когда отловят?",
        "На {street} бегают собаки без хозяина, страшно выйти. Прошу принять меры.",
    ),
}  # fmt: skip

OPENINGS = (
    "",
    "",
    "Здравствуйте! ",
    "Добрый день. ",
    "Администрация, ответьте! ",
    "Уважаемая администрация, ",
)
CLOSINGS = ("", "", " Спасибо.", " Сколько можно ждать?", " Фото прикладываю.", " Надеюсь на ответ.")

REPLIES = (
    "Спасибо за ответ, но ничего так и не сделали.",
    "Уточняю: дом {house}, второй подъезд, со стороны двора.",
    "Сегодня приезжали, всё сделали. Благодарю!",
    "Прошла неделя, а воз и ныне там. Когда будет результат?",
    "Адрес: {street}, {house}. Фото прикладываю ещё раз.",
    "Это не ответ, а отписка. Прошу разобраться по существу.",
)


@dataclass
class GeneratedAuthor:
    name: str
    profile_url: str


def png_bytes(rng: random.Random, width: int = 48, height: int = 36) -> bytes:
    """A small valid PNG: a vertical gradient with a coloured band (looks like a photo thumbnail)."""
    top = [rng.randrange(40, 220) for _ in range(3)]
    bottom = [rng.randrange(20, 200) for _ in range(3)]
    band = bytes(rng.randrange(256) for _ in range(3))
    band_from = rng.randrange(width // 2)
    band_len = rng.randrange(4, width // 2)
    rows = []
    for y in range(height):
        t = y / max(1, height - 1)
        pixel = bytes(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        row = pixel * band_from + band * band_len + pixel * (width - band_from - band_len)
        rows.append(b"\x00" + row)
    raw = zlib.compress(b"".join(rows), 6)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


class MessageGenerator:
    """Produces citizens' posts and replies from a seed; the same seed gives the same sequence."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self._platforms = list(PLATFORMS)
        self._weights = [w for _, w in PLATFORMS.values()]

    def author(self, platform: str) -> GeneratedAuthor:
        rng = self.rng
        if rng.random() < 0.25:
            name = rng.choice(NICKNAMES)
        else:
            first = rng.choice(FIRST_NAMES)
            male, female = rng.choice(SURNAMES)
            name = f"{first} {female if first in FEMALE else male}"
        uid = rng.randrange(10_000, 900_000_000)
        profile = {
            "vk": f"https://vk.com/id{uid}",
            "vk_video": f"https://vk.com/id{uid}",
            "ok": f"https://ok.ru/profile/{uid}",
            "telegram": f"https://t.me/user{uid}",
            "max": f"https://max.ru/u/{uid}",
            "rutube": f"https://rutube.ru/channel/{uid}/",
            "youtube": f"https://www.youtube.com/channel/UC{uid:x}",
        }[platform]
        return GeneratedAuthor(name=name, profile_url=profile)

    def post_url(self, platform: str) -> str:
        n = self.rng.randrange(1000, 99999)
        return {
            "vk": f"https://vk.com/wall-48123456_{n}",
            "ok": f"https://ok.ru/group/70000001234567/topic/{n}000",
            "telegram": f"https://t.me/elets_online/{n}",
            "max": f"https://max.ru/elets_chat/{n}",
            "vk_video": f"https://vkvideo.ru/video-48123456_{n}?reply={n * 7}",
            "rutube": f"https://rutube.ru/video/{n:032x}/?comment={n}",
            "youtube": f"https://www.youtube.com/watch?v=E{n:010d}&lc=Ugx{n}",
        }[platform]

    def _fill(self, template: str) -> str:
        rng = self.rng
        street, street2 = rng.sample(STREETS, 2)
        return template.format(
            street=street, street2=street2, house=rng.randrange(1, 120), route=rng.randrange(1, 30)
        )

    def message(self) -> dict[str, object]:
        """One new post: platform, author, links, text and whether it carries photos."""
        rng = self.rng
        platform = rng.choices(self._platforms, self._weights)[0]
        author = self.author(platform)
        topic = rng.choice(list(TOPICS))
        text = rng.choice(OPENINGS) + self._fill(rng.choice(TOPICS[topic])) + rng.choice(CLOSINGS)
        return {
            "channel_kind": PLATFORMS[platform][0],
            "platform": platform,
            "author": {"name": author.name, "profile_url": author.profile_url},
            "post_url": self.post_url(platform),
            "text": text.strip(),
            "topic": topic,
            "photos": rng.choices((0, 1, 2), (75, 18, 7))[0],
            "posted_minutes_before": rng.randrange(1, 25),
        }

    def reply_text(self) -> str:
        return self._fill(self.rng.choice(REPLIES))

    def photo(self) -> bytes:
        return png_bytes(self.rng)
