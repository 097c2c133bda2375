from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 10. 메일 가져오기: POP3와 IMAP

    메일 서버에 도착한 메일을 사용자의 메일 프로그램으로 가져오는 방법은 두 가지입니다.

    | | POP3 (TCP 110) | IMAP (TCP 143) |
    | --- | --- | --- |
    | 방식 | 메일을 **내려받고**, 보통 서버에서 **지움** | 메일을 **서버에 둔 채** 읽음 |
    | 여러 기기에서 | 한 기기로 가져가면 다른 기기에서는 못 봄 | 어느 기기에서나 같은 메일함 |
    | 폴더, 읽음 표시 | 없음(받은편지함 하나) | 서버에 폴더와 표시(\\Seen, \\Deleted …)가 남음 |
    | 지우기 | `DELE` 후 `QUIT` 때 | `\\Deleted` 표시 후 `EXPUNGE` 때 |

    여기서는 메일 프로그램 대신 Python의 `poplib`과 `imaplib`을 씁니다. 실제 메일 프로그램도 같은 명령을 주고받습니다.
    """, en="""
    # 10. Fetching mail: POP3 and IMAP

    There are two ways to get mail from the server into the user's mail program.

    | | POP3 (TCP 110) | IMAP (TCP 143) |
    | --- | --- | --- |
    | Model | **download** the mail, and usually **delete** it on the server | read mail **where it stays**, on the server |
    | Several devices | once one device took it, the others cannot see it | every device sees the same mailbox |
    | Folders, read marks | none (one inbox) | folders and flags (\\Seen, \\Deleted, ...) kept on the server |
    | Deleting | `DELE`, done at `QUIT` | flag `\\Deleted`, done at `EXPUNGE` |

    Here Python's `poplib` and `imaplib` play the mail program; real mail programs send the same commands.
    """),
    start(),
    code("""
    for subject in ("invoice", "meeting", "photos"):
        smtp_send("bob@localhost", subject=subject, sender="alice@localhost")
    for subject in ("invoice", "meeting", "photos"):
        smtp_send("carol@localhost", subject=subject, sender="alice@localhost")
    """),
    code("%ls -l /var/spool/mail/bob /var/spool/mail/carol"),
    md(ko="""
    ## POP3: bob이 가져가고 서버에서 지움
    """, en="""
    ## POP3: bob downloads and deletes on the server
    """),
    code("""
    import poplib
    pop = poplib.POP3("localhost", 110)
    print(pop.getwelcome())
    pop.user("bob")
    pop.pass_("secret")
    count, size = pop.stat()
    print("messages:", count, "bytes:", size)
    for i in range(1, count + 1):
        resp, lines, octets = pop.retr(i)                 # download
        print(i, [l.decode() for l in lines if l.startswith(b"Subject:")])
        pop.dele(i)                                      # mark for deletion
    print(pop.quit())                                    # deletion happens now
    """, "seed:P02"),
    code("%ls -l /var/spool/mail/bob", "seed:P02"),
    md(ko="""
    bob의 서버 메일함이 비었습니다(0바이트). 메일은 이제 bob의 컴퓨터에만 있습니다.

    ## IMAP: carol은 서버에 두고 읽음
    """, en="""
    bob's mailbox on the server is empty (0 bytes): the mail now lives only on bob's computer.

    ## IMAP: carol reads it on the server
    """),
    code("""
    import imaplib
    imap = imaplib.IMAP4("localhost", 143)
    print(imap.login("carol", "secret")[0])
    print(imap.select("INBOX"))
    typ, data = imap.search(None, "ALL")
    for num in data[0].split():
        typ, msg = imap.fetch(num, "(BODY[HEADER.FIELDS (SUBJECT)])")   # reading marks it \\Seen
        print(num.decode(), msg[0][1].decode().strip())
    print(imap.logout()[0])
    """, "seed:P03"),
    code("%mail -H -u carol", "seed:P03"),
    md(ko="""
    세 통이 그대로 서버에 있고, 읽었다는 표시만 남았습니다(`N` 새 메일 표시가 사라짐).
    이제 carol이 “invoice” 한 통만 지웁니다.
    """, en="""
    All three are still on the server; only the read marks changed (the `N` for new is gone).
    Now carol deletes just the "invoice" message.
    """),
    code("""
    imap = imaplib.IMAP4("localhost", 143)
    imap.login("carol", "secret")
    imap.select("INBOX")
    typ, data = imap.search(None, 'SUBJECT "invoice"')
    print("found:", data)
    imap.store(data[0], "+FLAGS", "\\\\Deleted")
    print(imap.expunge())
    print(imap.logout()[0])
    """, "seed:P03"),
    code("%mail -H -u carol", "seed:P03"),
    md(ko="""
    POP3와 IMAP 서버(dovecot)도 `/var/log/maillog`에 기록을 남깁니다. 로그인(`Login:`), 로그아웃,
    그리고 비밀번호가 틀린 로그인(`auth failed`)이 보입니다. 메일을 못 받는다는 사용자가 있으면
    먼저 이 줄들을 찾아봅니다. POP3 로그아웃 줄의 `retr=3/…, del=3/3`은 세 통을 가져가서 세 통 모두
    서버에서 지웠다는 뜻이고, IMAP 줄의 `in=`/`out=`은 주고받은 바이트 수입니다.
    """, en="""
    The POP3 and IMAP server (dovecot) logs to `/var/log/maillog` too: logins (`Login:`), logouts,
    and logins with a wrong password (`auth failed`). When a user says no mail arrives, these lines
    are the first place to look. In the POP3 logout line, `retr=3/…, del=3/3` means three messages
    were fetched and all three deleted on the server; the IMAP line's `in=`/`out=` count the bytes.
    """),
    code("""
    pop = poplib.POP3("localhost", 110)
    pop.user("bob")
    try:
        pop.pass_("wrong-password")
    except poplib.error_proto as e:
        print(e)
    pop.quit()
    """, "seed:P02"),
    code("%grep dovecot /var/log/maillog"),
    md(ko="""
    ## 위젯: MailboxViewer
    사용자의 메일함을 목록으로 보고, 메일을 골라 헤더와 본문을 읽을 수 있습니다. 사용자를 바꿔 보세요.
    """, en="""
    ## Widget: MailboxViewer
    A user's mailbox as a list; pick a message to read its headers and body. Try other users.
    """),
    code("""
    viewer = MailboxViewer(user="carol")
    viewer
    """, "seed:P03"),
    quiz(
        q(("메일을 가져온 뒤 서버에서 삭제하는 방식의 프로토콜과 포트는?", ["POP3, 110", "IMAP, 143", "SMTP, 25", "POP3, 143"], ""),
          ("Which protocol fetches mail and then deletes it on the server, and on which port?", ["POP3, 110", "IMAP, 143", "SMTP, 25", "POP3, 143"], ""), 0),
        q(("여러 기기에서 같은 메일함을 보려면 어느 프로토콜이 알맞은가?", ["POP3", "IMAP", "SMTP", "UUCP"],
           "IMAP은 메일을 서버에 두고 읽으므로 어느 기기에서나 같은 메일함을 봅니다."),
          ("Which protocol suits reading the same mailbox from several devices?", ["POP3", "IMAP", "SMTP", "UUCP"],
           "IMAP reads mail on the server, so every device sees the same mailbox."), 1),
        q(("IMAP에서 메일이 실제로 지워지는 때는?", ["FETCH 할 때", "\\Deleted 표시 후 EXPUNGE 할 때", "LOGIN 할 때", "SELECT 할 때"], ""),
          ("When is a message really removed with IMAP?", ["at FETCH", "at EXPUNGE, after flagging it \\Deleted", "at LOGIN", "at SELECT"], ""), 1),
        q(("POP3, IMAP 서비스를 모두 제공하는 대표적인 서버 프로그램은?", ["dovecot", "sendmail", "procmail", "postfix"],
           "dovecot이 POP3/IMAP 서버입니다. sendmail, postfix는 MTA, procmail은 MDA."),
          ("Which well-known server program provides both POP3 and IMAP?", ["dovecot", "sendmail", "procmail", "postfix"],
           "dovecot is a POP3/IMAP server; sendmail and postfix are MTAs, procmail an MDA."), 0),
    ),
    end(),
]
