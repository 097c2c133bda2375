from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 01. 메일 프로토콜과 에이전트

    메일 서비스는 `아이디@메일서버` 형식의 주소로 인터넷을 통해 전자메일을 주고받는 서비스입니다.
    이 장에서는 메일이 오가는 데 쓰는 **세 가지 프로토콜**(SMTP, POP3, IMAP)과 메일을 다루는
    **세 종류의 프로그램**(MTA, MDA, MUA)을 직접 움직여 봅니다.
    """, en="""
    # 01. Mail protocols and agents

    A mail service lets people exchange e-mail over the Internet with addresses of the form
    `user@mailserver`. This chapter puts the **three protocols** (SMTP, POP3, IMAP) and the
    **three kinds of programs** (MTA, MDA, MUA) to work.
    """),
    start(),
    md(ko="""
    ## 메일 주소: `사용자@메일서버`
    `@` 앞은 받는 사람의 계정, 뒤는 그 계정이 있는 메일 서버(도메인)입니다. 이 서버의 이름은
    `localhost`이고, 정식 이름(FQDN)은 `localhost.localdomain`입니다. 두 주소로 alice에게 한 통씩
    보내 봅시다. 두 통 모두 같은 메일함 `/var/spool/mail/alice`에 도착합니다.
    """, en="""
    ## A mail address: `user@mailserver`
    Before the `@` is the recipient's account, after it the mail server (domain) that holds the
    account. This server is called `localhost`, its full name (FQDN) is `localhost.localdomain`.
    Send alice one message at each address: both land in the same mailbox, `/var/spool/mail/alice`.
    """),
    code("""
    %%host
    echo "Hi Alice" | mail -s "to localhost" alice@localhost
    echo "Hi again" | mail -s "to the full name" alice@localhost.localdomain
    mail -H -u alice
    """, "seed:C01"),
    md(ko="""
    ## 세 가지 프로토콜

    | 프로토콜 | 이름 | 하는 일 | 포트 |
    | --- | --- | --- | --- |
    | SMTP | Simple Mail Transfer Protocol | 메일을 **보냄**: 서버와 서버 사이, 그리고 클라이언트에서 서버로 | TCP 25 |
    | POP3 | Post Office Protocol version 3 | 서버에 도착한 메일을 **가져옴**; 가져간 뒤 서버에서는 지우는 것이 보통 | TCP 110 |
    | IMAP | Internet Message Access Protocol | 서버의 메일을 **읽음**; 지울 때까지 서버에 남겨 둠 | TCP 143 |

    > ✏️ 바로잡기: 정리 노트에 “Internet Messaging Access Protocol”이라고 적힌 곳이 있는데,
    > 정식 이름은 **Internet Message Access Protocol**입니다. “SMPT”도 **SMTP**의 오타입니다.

    세 서버가 각각의 포트에서 기다리고 있는지 `netstat`으로 확인합니다.
    """, en="""
    ## Three protocols

    | Protocol | Name | What it does | Port |
    | --- | --- | --- | --- |
    | SMTP | Simple Mail Transfer Protocol | **sends** mail: server to server, and client to server | TCP 25 |
    | POP3 | Post Office Protocol version 3 | **fetches** mail that arrived; the server then usually deletes it | TCP 110 |
    | IMAP | Internet Message Access Protocol | **reads** mail on the server; it stays there until deleted | TCP 143 |

    > ✏️ Correction: the study note says "Internet Messaging Access Protocol"; the real name is
    > **Internet Message Access Protocol**. "SMPT" in the note is a typo for **SMTP**.

    Check with `netstat` that each server waits on its port.
    """),
    code("%netstat -anp | grep LISTEN -w", "seed:P01"),
    md(ko="""
    ### SMTP (25번): 보내기
    SMTP는 사람이 읽을 수 있는 명령(`EHLO`, `MAIL FROM`, `RCPT TO`, `DATA`, `QUIT`)과 세 자리 응답
    코드로 이루어집니다. 아래 셀은 telnet으로 25번 포트에 접속해 bob에게 메일 한 통을 보냅니다.
    2로 시작하는 코드는 성공, 3은 “계속하세요”, 4와 5는 실패입니다.
    """, en="""
    ### SMTP (25): sending
    SMTP is readable commands (`EHLO`, `MAIL FROM`, `RCPT TO`, `DATA`, `QUIT`) answered with
    three-digit codes. The cell below connects to port 25 with telnet and sends bob one message.
    Codes starting with 2 mean success, 3 "go on", 4 and 5 failure.
    """),
    code("""
    %%telnet localhost 25
    EHLO localhost
    MAIL FROM:<alice@localhost>
    RCPT TO:<bob@localhost>
    DATA
    Subject: Lunch?

    Noodles at noon?
    .
    QUIT
    """, "seed:P01"),
    md(ko="""
    ### POP3 (110번): 가져오고 지우기
    bob이 POP3로 메일을 가져옵니다. `RETR`로 내려받고 `DELE`로 지우라고 한 뒤 `QUIT`하면
    서버가 실제로 지웁니다. 메일 프로그램이 POP3로 메일을 받으면 보통 이렇게 동작합니다.
    """, en="""
    ### POP3 (110): fetch, then delete
    bob fetches his mail with POP3. `RETR` downloads it, `DELE` marks it, and at `QUIT` the server
    really deletes it. This is what a mail program usually does with POP3.
    """),
    code("""
    %%telnet localhost 110
    USER bob
    PASS secret
    STAT
    RETR 1
    DELE 1
    QUIT
    """, "seed:P02"),
    code("%ls -l /var/spool/mail/bob", "seed:P02"),
    md(ko="""
    메일함 크기가 0이 되었습니다. 메일은 이제 bob의 컴퓨터에만 있습니다.

    ### IMAP (143번): 서버에 남겨 두기
    이번에는 alice가 IMAP으로 읽습니다(셸에서 `telnet localhost 143`에 명령을 입력하는 것과 같습니다). IMAP 명령에는 꼬리표(`a1`, `a2` …)가 붙고, 응답도 같은
    꼬리표로 끝납니다. 읽기만 하고 로그아웃하면 메일은 서버에 그대로 남습니다.
    """, en="""
    The mailbox is now 0 bytes: the message lives only on bob's computer.

    ### IMAP (143): mail stays on the server
    Now alice reads with IMAP (the same as typing into `telnet localhost 143` in a shell). Each IMAP command carries a tag (`a1`, `a2`, ...) and its reply ends
    with the same tag. Reading and logging out leaves the mail on the server.
    """),
    code("""
    %%host
    telnet localhost 143 <<EOF
    a1 LOGIN alice secret
    a2 SELECT INBOX
    a3 FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])
    a4 LOGOUT
    EOF
    """, "seed:P03"),
    code("%mail -H -u alice", "seed:P03"),
    md(ko="""
    두 통이 그대로 있습니다. IMAP에서 지우려면 `\\Deleted` 표시를 붙이고 `EXPUNGE`합니다.
    """, en="""
    Both messages are still there. To delete with IMAP, flag a message `\\Deleted` and `EXPUNGE`.
    """),
    code("""
    %%host
    telnet localhost 143 <<EOF
    a1 LOGIN alice secret
    a2 SELECT INBOX
    a3 STORE 1 +FLAGS (\\Deleted)
    a4 EXPUNGE
    a5 LOGOUT
    EOF
    """, "seed:P03"),
    code("%mail -H -u alice", "seed:P03"),
    md(ko="""
    ## 세 종류의 프로그램

    | 구분 | 이름 | 하는 일 | 예 |
    | --- | --- | --- | --- |
    | MTA | Mail Transfer Agent | SMTP로 메일을 받아 다른 서버로 전달(전송) | sendmail, qmail, postfix |
    | MDA | Mail Delivery Agent | MTA가 받은 메일을 사용자의 메일함에 넣음(배달); 걸러내기·분류도 | procmail |
    | MUA | Mail User Agent | 사용자가 메일을 쓰고 읽는 프로그램 | kmail(KDE), evolution(X 윈도), mutt(텍스트), mail |

    ### MTA: 받아서 전달하기
    다른 도메인(`example.com`)으로 가는 메일을 보내면, MTA는 일단 받아서 큐에 넣고 그 서버로
    전달하려고 합니다. 이 연습 환경은 인터넷에 나가지 않으므로 메일은 큐에서 기다립니다.
    """, en="""
    ## Three kinds of programs

    | Kind | Name | Job | Examples |
    | --- | --- | --- | --- |
    | MTA | Mail Transfer Agent | takes mail over SMTP and passes it on to other servers | sendmail, qmail, postfix |
    | MDA | Mail Delivery Agent | puts mail the MTA accepted into the user's mailbox; can filter and sort | procmail |
    | MUA | Mail User Agent | the program a user writes and reads mail with | kmail (KDE), evolution (X), mutt (text), mail |

    ### The MTA: accept and pass on
    Mail to another domain (`example.com`) is accepted by the MTA, queued, and tried towards that
    domain's server. This sandbox never reaches the Internet, so the message waits in the queue.
    """),
    code("""
    %%host
    echo "See you at the conference" | mail -s "Conference" dave@example.com
    mailq
    """, "seed:A01"),
    md(ko="""
    ### MUA: `mail`로 쓰고 읽기
    `mail`은 가장 단순한 MUA입니다. `-s`로 제목을 주고 본문은 표준입력으로 보냅니다.
    읽을 때는 `mail -u 사용자`로 목록을 보고 `p 번호`로 읽습니다.
    """, en="""
    ### The MUA: write and read with `mail`
    `mail` is the simplest MUA. `-s` gives the subject, the body comes on standard input.
    To read, `mail -u USER` lists the messages and `p N` prints one.
    """),
    code("""
    %%host
    echo "The report is ready." | mail -s "Report" carol
    mail -u carol <<EOF
    p 1
    q
    EOF
    """, "seed:A03"),
    md(ko="""
    ## 메일 한 통이 가는 길
    MUA → (SMTP) → MTA → MDA → 메일함 → (POP3/IMAP) → MUA

    아래에서 bob이 Python의 `smtplib`(MUA 역할)로 carol에게 메일을 보내고, carol이 `poplib`으로
    가져갑니다. 그다음 **Trace** 위젯이 메일 로그와 큐, 메일함을 읽어서 그 메일이 거친 단계를
    하나씩 보여 줍니다.
    """, en="""
    ## One message's path
    MUA -> (SMTP) -> MTA -> MDA -> mailbox -> (POP3/IMAP) -> MUA

    Below, bob sends carol a message with Python's `smtplib` (playing the MUA), and carol fetches
    it with `poplib`. The **Trace** widget then reads the mail log, the queue and the mailbox and
    shows every step the message went through.
    """),
    code("""
    import smtplib
    msg = "From: bob@localhost\\nTo: carol@localhost\\nSubject: Follow me\\nMessage-ID: <follow-me@localhost>\\n\\nWhere do I go?\\n"
    with smtplib.SMTP("localhost", 25) as s:              # MUA -> MTA over SMTP
        print(s.sendmail("bob@localhost", ["carol@localhost"], msg))
    """, "seed:A04"),
    code("%mail -H -u carol", "seed:A04"),
    code("""
    import poplib
    pop = poplib.POP3("localhost", 110)                   # mailbox -> MUA over POP3
    pop.user("carol"); pop.pass_("secret")
    print(pop.stat())                                     # (messages, bytes)
    resp, lines, octets = pop.retr(2)
    print([l.decode() for l in lines if l.startswith(b"Subject:")])
    print(pop.quit())
    """, "seed:A04"),
    code("""
    trace = Trace(message_id="<follow-me@localhost>")
    for step in trace.steps:
        print(f"{step['agent']:<10} {'ok' if step['ok'] else '--'}  {step['what']}")
    trace
    """, "seed:A04"),
    quiz(
        q(("POP3가 쓰는 TCP 포트는?", ["25", "110", "143", "587"], "SMTP 25, POP3 110, IMAP 143."),
          ("Which TCP port does POP3 use?", ["25", "110", "143", "587"], "SMTP 25, POP3 110, IMAP 143."), 1),
        q(("메일을 서버에 남겨 두었다가 나중에 지울 수 있는 프로토콜은?", ["SMTP", "POP3", "IMAP", "MDA"],
           "IMAP은 지울 때까지 서버에 남겨 둡니다. POP3는 가져간 뒤 서버에서 지웁니다."),
          ("Which protocol keeps mail on the server until it is deleted?", ["SMTP", "POP3", "IMAP", "MDA"],
           "IMAP keeps it until deleted; POP3 fetches it and the server deletes it."), 2),
        q(("MTA에 해당하는 프로그램을 모두 고르세요.", ["sendmail", "procmail", "postfix", "qmail", "mutt"],
           "sendmail, postfix, qmail은 MTA, procmail은 MDA, mutt는 MUA입니다."),
          ("Choose every MTA.", ["sendmail", "procmail", "postfix", "qmail", "mutt"],
           "sendmail, postfix and qmail are MTAs; procmail is an MDA; mutt is an MUA."), [0, 2, 3]),
        q(("IMAP의 정식 이름은?", ["Internet Messaging Access Protocol", "Internet Message Access Protocol",
                                  "Interactive Mail Access Protocol", "Internet Mail Agent Protocol"],
           "Internet Message Access Protocol입니다."),
          ("What does IMAP stand for?", ["Internet Messaging Access Protocol", "Internet Message Access Protocol",
                                        "Interactive Mail Access Protocol", "Internet Mail Agent Protocol"],
           "Internet Message Access Protocol."), 1),
        q(("스팸 필터링과 메일 분류도 할 수 있는 대표적인 MDA는?", ["procmail", "kmail", "evolution", "sendmail"],
           "procmail은 메일함에 배달하면서 조건에 따라 걸러내거나 다른 폴더로 나눌 수 있습니다."),
          ("Which MDA can also filter spam and sort mail?", ["procmail", "kmail", "evolution", "sendmail"],
           "procmail delivers into the mailbox and can drop or file messages by rules."), 0),
    ),
    end(),
]
