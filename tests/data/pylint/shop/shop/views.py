"""Uses of the models in another module."""

from shop.models import Author, Book, Member, Team


def teams():
    team = Team()
    member = Member()
    print(team.members, member.team.name, team.name.upper(), team.created.year)  # valid
    print(Team.members.any(), Team.label.ilike("a%"), team.label)  # valid
    for someone in team.members:
        print(someone.team_id)  # valid
    print(team.nme)  # misspelled
    print(team.name.uppr())  # misspelled
    print(member.team.nam)  # misspelled


def books():
    author = Author()
    book = Book()
    print(author.name.upper(), author.books[0].title.lower(), book.author.name)  # valid
    print(author.nam)  # misspelled
    print(Member.team_id.in_([1, 2]), Book.title.ilike("x"))  # valid
