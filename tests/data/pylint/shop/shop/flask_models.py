"""Flask-SQLAlchemy models: db.Column, a backref, Model.query, a hybrid property."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.ext.hybrid import hybrid_property

db = SQLAlchemy()


class Customer(db.Model):
    id = db.Column(db.Integer, primary_key=True)  # valid
    name = db.Column(db.String(80), nullable=False)  # valid
    joined = db.Column(db.DateTime)  # valid

    @hybrid_property
    def display(self):
        return self.name + "!"


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)  # valid
    customer_id = db.Column(db.Integer, db.ForeignKey("customer.id"), index=True)  # valid
    customer = db.relationship("Customer", backref="orders")  # valid
    note = db.Column(db.Text, default=[])


def report(name):
    customer = Customer.query.filter_by(name=name).first()  # valid
    fresh = Customer()
    print(fresh.orders, fresh.name.upper(), fresh.joined.year)  # valid
    print(Customer.display.ilike("x%"), fresh.display)  # valid
    print(Customer.orders.any())  # valid
    db.session.add(fresh)  # valid
    db.session.commit()  # valid
    return customer
