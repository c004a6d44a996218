from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mess.db.base import Base
from mess.kit.allergens import AllergenList
from mess.kit.diets import diet_check


class MenuDish(Base):
    """One dish of one meal on one date; a date and slot with no rows falls back to the weekly template."""

    __tablename__ = "menu_dish"
    __table_args__ = (
        CheckConstraint(diet_check("diet_tag"), name="diet_tag"),
        Index("ix_menu_dish_mess_id_menu_date_slot_id", "mess_id", "menu_date", "slot_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    menu_date: Mapped[date] = mapped_column(Date)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"))
    dish: Mapped[str] = mapped_column(String(120))
    diet_tag: Mapped[str] = mapped_column(String(8), default="veg")
    allergens: Mapped[list[str]] = mapped_column(AllergenList, default=list, server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    portion: Mapped[int | None] = mapped_column(Integer, nullable=True)  # per plate, in `unit`
    unit: Mapped[str | None] = mapped_column(String(8), nullable=True)  # g, ml or pieces


class MenuTemplateDish(Base):
    """The weekly template: weekday 0 = Monday."""

    __tablename__ = "menu_template_dish"
    __table_args__ = (
        CheckConstraint(diet_check("diet_tag"), name="diet_tag"),
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday"),
        Index("ix_menu_template_dish_mess_id_weekday", "mess_id", "weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"))
    dish: Mapped[str] = mapped_column(String(120))
    diet_tag: Mapped[str] = mapped_column(String(8), default="veg")
    allergens: Mapped[list[str]] = mapped_column(AllergenList, default=list, server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    portion: Mapped[int | None] = mapped_column(Integer, nullable=True)  # per plate, in `unit`
    unit: Mapped[str | None] = mapped_column(String(8), nullable=True)  # g, ml or pieces
