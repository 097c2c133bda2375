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
    with smtplib.SMTP("localhost", 25) as s:              #[ko] MUA -> MTA: SMTP로 #[en] MUA -> MTA over SMTP
        print(s.sendmail("bob@localhost", ["carol@localhost"], msg))
    """, "seed:A04"),
    code("%mail -H -u carol", "seed:A04"),
    code("""
    import poplib
    pop = poplib.POP3("localhost", 110)                   #[ko] 메일함 -> MUA: POP3로 #[en] mailbox -> MUA over POP3
    pop.user("carol"); pop.pass_("secret")
    print(pop.stat())                                     #[ko] (메일 수, 바이트) #[en] (messages, bytes)
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
        q(("POP3가 쓰는 TCP 포트는?", ["25", "110", "143", "587"], "SMTP는 25, POP3는 110, IMAP은 143번을 씁니다.",
           ["25번은 SMTP(메일 보내기)입니다.", "정답: POP3는 TCP 110번입니다.", "143번은 IMAP입니다.",
            "587번은 메일 제출(submission) 포트로 SMTP의 한 용도입니다."]),
          ("Which TCP port does POP3 use?", ["25", "110", "143", "587"], "SMTP 25, POP3 110, IMAP 143.",
           ["25 is SMTP (sending mail).", "Right: POP3 is TCP 110.", "143 is IMAP.",
            "587 is the submission port, a use of SMTP."]), 1),
        q(("메일을 서버에 남겨 두었다가 나중에 지울 수 있는 프로토콜은?", ["SMTP", "POP3", "MDA", "IMAP"],
           "IMAP은 지울 때까지 메일을 서버에 남겨 둡니다. POP3는 가져간 뒤 서버에서 지우는 것이 보통입니다.",
           ["SMTP는 메일을 보내는 프로토콜입니다. 받은 메일을 읽지 않습니다.",
            "POP3는 가져간 메일을 서버에서 지웁니다.", "MDA는 프로토콜이 아니라 메일함에 배달하는 프로그램입니다.",
            "정답: IMAP은 서버에 남겨 두고 읽습니다."]),
          ("Which protocol keeps mail on the server until it is deleted?", ["SMTP", "POP3", "MDA", "IMAP"],
           "IMAP keeps mail until it is deleted; POP3 usually fetches it and the server deletes it.",
           ["SMTP sends mail; it does not read received mail.", "POP3 deletes fetched mail on the server.",
            "An MDA is a program that delivers into mailboxes, not a protocol.", "Right: IMAP reads mail left on the server."]), 3),
        q(("MTA에 해당하는 프로그램을 모두 고르세요.", ["sendmail", "procmail", "postfix", "qmail", "mutt"],
           "sendmail, postfix, qmail은 SMTP로 메일을 전송하는 MTA입니다.",
           ["MTA입니다.", "procmail은 메일함에 배달하는 MDA입니다.", "MTA입니다.", "MTA입니다.",
            "mutt는 텍스트 기반 MUA입니다."]),
          ("Choose every MTA.", ["sendmail", "procmail", "postfix", "qmail", "mutt"],
           "sendmail, postfix and qmail are MTAs: they transfer mail with SMTP.",
           ["An MTA.", "procmail is an MDA: it delivers into mailboxes.", "An MTA.", "An MTA.",
            "mutt is a text-based MUA."]), [0, 2, 3]),
        q(("메일 프로토콜에 대한 설명으로 옳지 않은 것은?",
           ["SMTP는 서버와 서버 사이, 그리고 클라이언트에서 서버로 메일을 보낼 때 쓴다",
            "IMAP의 정식 이름은 Internet Messaging Access Protocol이다",
            "POP3는 메일을 가져온 뒤 서버에서 지우는 방식이다",
            "세 프로토콜 모두 TCP를 쓴다"],
           "IMAP은 Internet Message Access Protocol입니다. 정리 노트의 “Messaging”은 잘못 적힌 것입니다.",
           ["옳은 설명: 보낼 때는 누가 누구에게든 SMTP입니다.",
            "정답(옳지 않음): Messaging이 아니라 Message입니다.",
            "옳은 설명: 가져가면 서버에서는 지웁니다.", "옳은 설명: 25, 110, 143 모두 TCP 포트입니다."]),
          ("Which statement about the mail protocols is NOT true?",
           ["SMTP sends mail server to server and client to server",
            "IMAP stands for Internet Messaging Access Protocol",
            "POP3 fetches mail and then the server deletes it",
            "all three run over TCP"],
           "IMAP is the Internet Message Access Protocol; the study note's \"Messaging\" is a slip.",
           ["True: sending is SMTP whoever sends to whom.", "Right (not true): it is Message, not Messaging.",
            "True: once fetched it is deleted on the server.", "True: 25, 110 and 143 are TCP ports."]), 1),
        q(("다음 중 MUA가 아닌 것은?", ["kmail", "evolution", "mutt", "postfix"],
           "MUA는 사용자가 메일을 쓰고 읽는 프로그램입니다. postfix는 MTA입니다.",
           ["KDE의 MUA입니다.", "X 윈도(GNOME)의 MUA입니다.", "텍스트 기반 MUA입니다.",
            "정답: postfix는 메일을 전송하는 MTA입니다."]),
          ("Which of these is NOT an MUA?", ["kmail", "evolution", "mutt", "postfix"],
           "An MUA is what a user writes and reads mail with; postfix is an MTA.",
           ["KDE's MUA.", "An X Window (GNOME) MUA.", "A text-based MUA.", "Right: postfix is an MTA that transfers mail."]), 3),
        q(("메일 한 통이 가는 길에서 빈칸 ㉠에 들어갈 것은?\nMUA -(SMTP)-> MTA -> ( ㉠ ) -> 메일함 -(POP3/IMAP)-> MUA",
           ["MUA", "DNS", "MDA", "FTP"],
           "MTA가 받은 메일을 메일함에 넣는 것은 MDA(예: procmail)입니다.",
           ["MUA는 길의 처음과 끝, 사용자가 쓰고 읽는 프로그램입니다.", "DNS는 메일 서버를 찾는 데 쓰일 뿐 메일함에 넣지 않습니다.",
            "정답: MDA가 메일함에 배달합니다.", "FTP는 파일 전송 프로토콜로 메일 배달과 관계없습니다."]),
          ("Fill the blank (A) in one message's path:\nMUA -(SMTP)-> MTA -> ( A ) -> mailbox -(POP3/IMAP)-> MUA",
           ["MUA", "DNS", "MDA", "FTP"],
           "The MDA (e.g. procmail) puts the mail the MTA received into the mailbox.",
           ["The MUA is the start and end of the path: what the user writes and reads with.",
            "DNS helps find mail servers; it puts nothing into mailboxes.", "Right: the MDA delivers into the mailbox.",
            "FTP is the file transfer protocol; it has nothing to do with delivery."]), 2),
        q(("SMTP 응답 코드의 첫 자리에 대한 설명으로 옳지 않은 것은?",
           ["2로 시작하면 성공이다", "3으로 시작하면 서버가 다음 입력(예: DATA 뒤의 본문)을 기다린다는 뜻이다(예: 354)",
            "4로 시작하면 일시적 실패라 나중에 다시 시도할 수 있다", "5로 시작하면 잠시 뒤 다시 보내면 받아 주는 일시적 오류다"],
           "5xx는 영구적 실패입니다. 같은 요청을 다시 보내도 거절됩니다.",
           ["옳은 설명: 250, 221처럼 성공입니다.", "옳은 설명: 354는 본문을 보내라는 뜻입니다.",
            "옳은 설명: 4xx는 일시적 실패입니다.", "정답(옳지 않음): 5xx는 영구적 실패입니다. 일시적인 것은 4xx입니다."]),
          ("Which statement about the first digit of an SMTP reply code is NOT true?",
           ["2 means success", "3 means the server waits for more input, e.g. 354 after DATA asks for the text",
            "4 is a temporary failure; trying later may work", "5 is a temporary error; the same request a bit later is accepted"],
           "5xx is a permanent failure: the same request is refused again.",
           ["True: 250, 221 and so on are successes.", "True: 354 asks for the message text.",
            "True: 4xx is a temporary failure.", "Right (not true): 5xx is permanent; temporary is 4xx."]), 3),
        q(("다음 netstat 출력을 보고 옳은 것을 고르세요.\n"
           "tcp   0   0 127.0.0.1:25    0.0.0.0:*   LISTEN   1201/sendmail: acce\n"
           "tcp   0   0 0.0.0.0:110     0.0.0.0:*   LISTEN   1310/dovecot\n"
           "tcp   0   0 0.0.0.0:143     0.0.0.0:*   LISTEN   1310/dovecot",
           ["다른 컴퓨터에서도 네트워크를 통해 이 서버의 25번 포트에 접속할 수 있다", "POP3와 IMAP은 같은 프로그램 dovecot이 맡고 있다",
            "IMAP 서버는 110번 포트에서 기다린다", "sendmail이 143번 포트를 열었다"],
           "110(POP3)과 143(IMAP) 모두 PID 1310의 dovecot입니다.",
           ["25번은 127.0.0.1에서만 기다리므로 이 컴퓨터 안에서만 접속할 수 있습니다.",
            "정답: 두 줄 모두 1310/dovecot입니다.", "110번은 POP3입니다. IMAP은 143번입니다.",
            "143번을 연 것은 dovecot입니다. sendmail은 25번입니다."]),
          ("Read this netstat output. Which is true?\n"
           "tcp   0   0 127.0.0.1:25    0.0.0.0:*   LISTEN   1201/sendmail: acce\n"
           "tcp   0   0 0.0.0.0:110     0.0.0.0:*   LISTEN   1310/dovecot\n"
           "tcp   0   0 0.0.0.0:143     0.0.0.0:*   LISTEN   1310/dovecot",
           ["other machines on the network can connect to this server's port 25 as well", "POP3 and IMAP are served by the same program, dovecot",
            "the IMAP server waits on port 110", "sendmail opened port 143"],
           "110 (POP3) and 143 (IMAP) both belong to PID 1310, dovecot.",
           ["Port 25 listens on 127.0.0.1 only: connections from this machine only.",
            "Right: both lines say 1310/dovecot.", "110 is POP3; IMAP is 143.", "dovecot opened 143; sendmail has 25."]), 1),
        q(("bob이 POP3로 `DELE 1`을 보낸 뒤 `QUIT`을 보내지 못하고 연결이 끊겼습니다. 1번 메일은 어떻게 될까요?",
           ["서버 메일함에 그대로 남는다", "DELE를 보낸 순간 지워졌다", "다른 사용자의 메일함으로 옮겨진다", "큐(/var/spool/mqueue)로 돌아간다"],
           "POP3는 DELE로 지울 표시만 하고, QUIT으로 정상 종료할 때(UPDATE 단계) 실제로 지웁니다.",
           ["정답: QUIT이 없으면 지우지 않습니다.", "DELE는 표시만 합니다. 지우는 때는 QUIT입니다.",
            "POP3는 메일을 다른 메일함으로 옮기지 않습니다.", "배달이 끝난 메일은 큐로 돌아가지 않습니다."]),
          ("bob sent `DELE 1` over POP3, then the connection dropped before `QUIT`. What happens to message 1?",
           ["it stays in the server mailbox", "it was deleted the moment DELE was sent", "it moves to another user's mailbox", "it goes back to the queue (/var/spool/mqueue)"],
           "POP3's DELE only marks the message; it is removed when the session ends with QUIT (the UPDATE state).",
           ["Right: without QUIT nothing is deleted.", "DELE only marks; QUIT deletes.",
            "POP3 never moves mail to another mailbox.", "Delivered mail does not go back to the queue."]), 0),
        q(("telnet으로 이 서버의 IMAP 서버에 접속하는 명령을 쓰세요.", [],
           "telnet 호스트 포트 순서이고 IMAP은 143번입니다(POP3는 110, SMTP는 25)."),
          ("Write the command that connects to this server's IMAP server with telnet.", [],
           "telnet HOST PORT, and IMAP is port 143 (POP3 110, SMTP 25)."),
         ["telnet localhost 143", "telnet 127.0.0.1 143"]),
        q(("메일 주소 `alice@localhost.localdomain`에서 `@` 뒤의 부분은 무엇인가?",
           ["받는 사람의 계정 이름", "서버 안에서 메일함 파일이 있는 경로(/var/spool/mail)", "SMTP 포트 번호", "계정이 있는 메일 서버(도메인)"],
           "메일 주소는 `아이디@메일서버` 형식입니다.",
           ["계정 이름은 @ 앞의 alice입니다.", "메일함 경로(/var/spool/mail/alice)는 주소에 들어가지 않습니다.",
            "포트는 주소에 쓰지 않습니다. SMTP는 늘 25번입니다.", "정답: @ 뒤는 메일 서버(도메인)입니다."]),
          ("In the address `alice@localhost.localdomain`, what is the part after `@`?",
           ["the recipient's account name", "the path of the mailbox file on the server (/var/spool/mail)", "the SMTP port number", "the mail server (domain) holding the account"],
           "A mail address is `user@mailserver`.",
           ["The account is alice, before the @.", "The mailbox path (/var/spool/mail/alice) is not part of the address.",
            "No port is written in an address; SMTP uses 25.", "Right: after the @ comes the mail server (domain)."]), 3),
        q(("스팸 필터링과 메일 분류도 할 수 있는 대표적인 MDA는?", ["kmail", "evolution", "procmail", "sendmail"],
           "procmail은 메일함에 배달하면서 규칙에 따라 메일을 버리거나 다른 폴더로 나눕니다.",
           ["kmail은 KDE의 MUA입니다.", "evolution은 MUA입니다.", "정답: procmail은 MDA입니다.",
            "sendmail은 MTA입니다. 로컬 배달은 procmail에게 맡깁니다."]),
          ("Which MDA can also filter spam and sort mail?", ["kmail", "evolution", "procmail", "sendmail"],
           "procmail delivers into the mailbox and can drop or file messages by rules.",
           ["kmail is KDE's MUA.", "evolution is an MUA.", "Right: procmail is an MDA.",
            "sendmail is an MTA; it hands local delivery to procmail."]), 2),
    ),
    end(),
]
