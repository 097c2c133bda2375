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
    md(ko="""
    ## 메일 서비스의 포트
    | 포트 | 서비스 | 이 호스트에서 |
    | --- | --- | --- |
    | 25 | SMTP (서버끼리, 그리고 메일 보내기) | sendmail |
    | 465 | SMTPS (처음부터 TLS) | 기본 설정에는 없음(`DAEMON_OPTIONS`에 `M=s`를 더해야 함) |
    | 587 | submission (MUA가 메일을 낼 때) | 기본 .mc에서 `dnl`로 막혀 있음 |
    | 110 | POP3 | dovecot |
    | 995 | POP3S (처음부터 TLS) | dovecot |
    | 143 | IMAP | dovecot |
    | 993 | IMAPS (처음부터 TLS) | dovecot |

    110과 143에서도 `STLS`/`STARTTLS` 명령으로 암호화를 시작할 수 있습니다. 지금 무엇이 기다리는지 봅니다.
    """, en="""
    ## The ports of the mail services
    | port | service | on this host |
    | --- | --- | --- |
    | 25 | SMTP (server to server, and sending) | sendmail |
    | 465 | SMTPS (TLS from the start) | not in the stock configuration (`M=s` in `DAEMON_OPTIONS`) |
    | 587 | submission (MUAs handing in mail) | disabled with `dnl` in the stock .mc |
    | 110 | POP3 | dovecot |
    | 995 | POP3S (TLS from the start) | dovecot |
    | 143 | IMAP | dovecot |
    | 993 | IMAPS (TLS from the start) | dovecot |

    On 110 and 143 the `STLS`/`STARTTLS` commands switch an open connection to TLS. What listens now:
    """),
    code("%netstat -anp | grep LISTEN -w"),
    code("""
    import imaplib, ssl
    imap = imaplib.IMAP4("localhost", 143)
    print(imap.capabilities)
    print(imap.starttls(ssl._create_unverified_context()))  #[ko] 이 호스트의 인증서는 자체 서명 인증서 #[en] the host's certificate is self-signed
    print(imap.login("bob", "secret"))
    imap.logout()
    """),
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
        resp, lines, octets = pop.retr(i)                 #[ko] 내려받기 #[en] download
        print(i, [l.decode() for l in lines if l.startswith(b"Subject:")])
        pop.dele(i)                                      #[ko] 삭제 표시 #[en] mark for deletion
    print(pop.quit())                                    #[ko] 이때 실제로 삭제됨 #[en] deletion happens now
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
        typ, msg = imap.fetch(num, "(BODY[HEADER.FIELDS (SUBJECT)])")   #[ko] 읽으면 \\Seen 플래그가 붙음 #[en] reading marks it \\Seen
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
    ## dovecot의 설정: /etc/dovecot
    dovecot의 설정은 `/etc/dovecot/dovecot.conf`에서 시작합니다. 이 파일 끝의 `!include conf.d/*.conf`가
    `conf.d/` 안의 파일을 이름 순서로 읽어 들입니다.

    | 파일 | 주요 설정 |
    | --- | --- |
    | dovecot.conf | `protocols`(제공할 프로토콜), `listen`(기다릴 주소) |
    | conf.d/10-auth.conf | `disable_plaintext_auth`, `auth_mechanisms` |
    | conf.d/10-mail.conf | `mail_location`(메일함의 형식과 위치) |
    | conf.d/10-master.conf | `service imap-login`, `service pop3-login` 안의 `inet_listener`(포트) |
    | conf.d/10-ssl.conf | `ssl`, `ssl_cert`, `ssl_key` |
    | conf.d/20-pop3.conf, 20-imap.conf | 프로토콜마다의 설정(`pop3_uidl_format` 등) |

    대부분의 줄은 `#`로 막힌 기본값입니다. `doveconf -n`은 기본값과 다른 설정만 모아 보여 주고,
    `doveconf 이름`은 설정 하나의 값을 보여 줍니다.
    """, en="""
    ## dovecot's configuration: /etc/dovecot
    dovecot's configuration starts in `/etc/dovecot/dovecot.conf`. Its last lines, `!include
    conf.d/*.conf`, read the files in `conf.d/` in the order of their names.

    | file | main settings |
    | --- | --- |
    | dovecot.conf | `protocols` (what is served), `listen` (addresses to wait on) |
    | conf.d/10-auth.conf | `disable_plaintext_auth`, `auth_mechanisms` |
    | conf.d/10-mail.conf | `mail_location` (format and place of the mailboxes) |
    | conf.d/10-master.conf | `inet_listener` (ports) in `service imap-login` and `service pop3-login` |
    | conf.d/10-ssl.conf | `ssl`, `ssl_cert`, `ssl_key` |
    | conf.d/20-pop3.conf, 20-imap.conf | per-protocol settings (`pop3_uidl_format`, ...) |

    Most lines are defaults commented out with `#`. `doveconf -n` shows only the settings that
    differ from the defaults; `doveconf NAME` shows one setting's value.
    """),
    code("%doveconf -n"),
    code("%doveconf protocols listen mail_location"),
    md(ko="""
    POP3를 끄고 IMAP만 제공해 봅니다. dovecot.conf의 `#protocols = imap pop3 lmtp` 줄을 `protocols = imap`으로
    바꾸고 dovecot을 다시 시작합니다. 설정은 다시 시작할 때 읽습니다.
    """, en="""
    Now serve IMAP only, without POP3: change the line `#protocols = imap pop3 lmtp` of dovecot.conf to
    `protocols = imap` and restart dovecot, which reads its configuration when it starts.
    """),
    code("""
    edit("/etc/dovecot/dovecot.conf", "#protocols = imap pop3 lmtp", "protocols = imap")
    %systemctl restart dovecot
    """),
    code("%netstat -tlnp | grep dovecot"),
    code("""
    try:
        poplib.POP3("localhost", 110)
    except ConnectionRefusedError as e:
        print("POP3:", e)
    imap = imaplib.IMAP4("localhost", 143)
    print("IMAP:", imap.login("carol", "secret")[0])
    print(imap.logout()[0])
    """),
    md(ko="""
    110번과 995번이 목록에서 사라졌고 POP3 접속은 거절됩니다(Connection refused). IMAP은 그대로입니다.
    설정을 되돌리고 다시 시작합니다. 설정 파일에 틀린 줄이 있으면 `systemctl restart dovecot`이 실패하고,
    `systemctl status dovecot`과 `doveconf -n`이 그 파일과 줄 번호를 알려 줍니다.
    """, en="""
    Ports 110 and 995 are gone from the list and POP3 connections are refused; IMAP is as it was.
    Put the line back and restart. With a wrong line in the files, `systemctl restart dovecot` fails
    and `systemctl status dovecot` and `doveconf -n` name the file and the line.
    """),
    code("""
    edit("/etc/dovecot/dovecot.conf", "protocols = imap", "#protocols = imap pop3 lmtp")
    %systemctl restart dovecot
    """),
    code("%netstat -tlnp | grep dovecot"),
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
        q(("메일을 가져온 뒤 서버에서 삭제하는 방식의 프로토콜과 포트는?", ["IMAP, 143", "SMTP, 25", "POP3, 143", "POP3, 110"],
           "POP3(TCP 110)는 내려받은 메일을 서버에서 지웁니다.",
           ["IMAP은 서버에 남겨 둡니다.", "SMTP는 보내는 프로토콜입니다.", "POP3는 맞지만 143은 IMAP의 포트입니다.", "정답."]),
          ("Which protocol fetches mail and then deletes it on the server, and on which port?", ["IMAP, 143", "SMTP, 25", "POP3, 143", "POP3, 110"],
           "POP3 (TCP 110) deletes downloaded mail on the server.",
           ["IMAP keeps it on the server.", "SMTP sends mail.", "POP3 is right but 143 is IMAP's port.", "Right."]), 3),
        q(("여러 기기에서 같은 메일함을 보려면 어느 프로토콜이 알맞은가?", ["POP3", "SMTP", "IMAP", "UUCP"],
           "IMAP은 메일을 서버에 두고 읽으므로 어느 기기에서나 같은 메일함과 폴더, 읽음 표시를 봅니다.",
           ["한 기기로 가져가면 서버에서 지워져 다른 기기에서는 못 봅니다.", "SMTP는 보내기만 합니다.",
            "정답.", "UUCP는 오래된 파일 복사 방식으로 메일함을 읽지 않습니다."]),
          ("Which protocol suits reading the same mailbox from several devices?", ["POP3", "SMTP", "IMAP", "UUCP"],
           "IMAP reads mail on the server, so every device sees the same mailbox, folders and read marks.",
           ["Fetched to one device, it is deleted on the server and the others miss it.", "SMTP only sends.",
            "Right.", "UUCP is an old copying scheme; it reads no mailboxes."]), 2),
        q(("IMAP에서 메일이 실제로 지워지는 때는?", ["FETCH로 메일 본문 전체를 내려받는 그 순간", "\\Deleted 표시 후 EXPUNGE 할 때", "LOGIN 할 때", "SELECT 할 때"],
           "STORE로 \\Deleted 표시를 붙이고 EXPUNGE(또는 CLOSE)하면 지워집니다.",
           ["FETCH는 읽기만 합니다(\\Seen 표시가 붙을 수 있음).", "정답.", "로그인일 뿐입니다.", "메일함을 고를 뿐입니다."]),
          ("When is a message really removed with IMAP?", ["the moment FETCH downloads the whole message body", "at EXPUNGE, after flagging it \\Deleted", "at LOGIN", "at SELECT"],
           "STORE adds the \\Deleted flag; EXPUNGE (or CLOSE) removes the message.",
           ["FETCH only reads (it may set \\Seen).", "Right.", "Only logs in.", "Only opens a mailbox."]), 1),
        q(("POP3, IMAP 서비스를 모두 제공하는 대표적인 서버 프로그램은?", ["dovecot", "sendmail", "procmail", "postfix"],
           "dovecot이 POP3/IMAP 서버입니다. 설정 파일은 /etc/dovecot/dovecot.conf입니다.",
           ["정답.", "sendmail은 MTA(SMTP)입니다.", "procmail은 MDA입니다.", "postfix는 MTA입니다."]),
          ("Which well-known server program provides both POP3 and IMAP?", ["dovecot", "sendmail", "procmail", "postfix"],
           "dovecot is a POP3/IMAP server, configured in /etc/dovecot/dovecot.conf.",
           ["Right.", "sendmail is an MTA (SMTP).", "procmail is an MDA.", "postfix is an MTA."]), 0),
        q(("POP3와 IMAP의 비교로 옳지 않은 것은?",
           ["POP3는 DELE 후 QUIT 때 지우고, IMAP은 \\Deleted 후 EXPUNGE 때 지운다", "IMAP은 서버에 폴더와 읽음 표시를 남긴다",
            "POP3로 가져간 메일은 다른 기기에서도 서버에서 다시 받을 수 있다", "POP3는 110번, IMAP은 143번 포트를 쓴다"],
           "POP3는 보통 가져간 메일을 서버에서 지우므로 다른 기기에서는 다시 받을 수 없습니다.",
           ["옳은 설명.", "옳은 설명: \\Seen, \\Deleted 등.", "정답(옳지 않음).", "옳은 설명."]),
          ("Which comparison of POP3 and IMAP is NOT true?",
           ["POP3 deletes at QUIT after DELE; IMAP at EXPUNGE after \\Deleted", "IMAP keeps folders and read marks on the server",
            "mail fetched with POP3 can be fetched again from the server on another device", "POP3 uses port 110, IMAP 143"],
           "POP3 usually deletes fetched mail on the server, so another device cannot fetch it again.",
           ["True.", "True: \\Seen, \\Deleted and so on.", "Right (not true).", "True."]), 2),
        q(("SSL/TLS로 암호화한 POP3S와 IMAPS의 포트로 옳은 짝은?", ["POP3S 465, IMAPS 587", "POP3S 995, IMAPS 993",
                                                         "POP3S 993, IMAPS 995", "POP3S 110, IMAPS 143"],
           "POP3S는 995, IMAPS는 993입니다. 465(SMTPS)와 587(submission)은 보내는 쪽 포트입니다.",
           ["465와 587은 메일을 보내는(SMTP) 포트입니다.", "정답.", "둘이 뒤바뀌었습니다.", "110, 143은 암호화하지 않은 기본 포트입니다."]),
          ("Which ports do POP3S and IMAPS (over SSL/TLS) use?", ["POP3S 465, IMAPS 587", "POP3S 995, IMAPS 993",
                                                                  "POP3S 993, IMAPS 995", "POP3S 110, IMAPS 143"],
           "POP3S is 995 and IMAPS 993; 465 (SMTPS) and 587 (submission) are for sending.",
           ["465 and 587 are ports for sending (SMTP).", "Right.", "Swapped.", "110 and 143 are the plain ports."]), 1),
        q(("빈칸에 알맞은 것은?\n/etc/dovecot/dovecot.conf에서 dovecot이 제공할 프로토콜을 정하는 줄:\n( ㉠ ) = imap pop3 lmtp",
           ["listen", "mail_location", "service", "protocols"],
           "protocols 줄에 적은 프로토콜만 켜집니다. 예: protocols = imap pop3.",
           ["listen은 기다릴 주소(예: *, ::)입니다.", "mail_location은 메일함의 위치와 형식입니다.",
            "service는 블록 이름(service imap-login { ... })입니다.", "정답."]),
          ("Fill the blank:\nthe line of /etc/dovecot/dovecot.conf naming the protocols dovecot serves:\n( A ) = imap pop3 lmtp",
           ["listen", "mail_location", "service", "protocols"],
           "Only the protocols on the protocols line are switched on, e.g. protocols = imap pop3.",
           ["listen is the addresses to wait on (e.g. *, ::).", "mail_location is where and in which format mailboxes are.",
            "service names a block (service imap-login { ... }).", "Right."]), 3),
        q(("dovecot 설정 `mail_location = mbox:~/mail:INBOX=/var/mail/%u`에서 alice의 받은편지함(INBOX)은?",
           ["/home/alice/mail/INBOX", "/var/mail/alice", "/var/spool/mqueue/alice", "/etc/dovecot/alice"],
           "INBOX=/var/mail/%u의 %u가 사용자 이름이 됩니다. /var/mail은 /var/spool/mail과 같은 곳입니다. ~/mail에는 다른 폴더가 있습니다.",
           ["~/mail은 INBOX 말고 다른 폴더(mbox 파일)가 있는 곳입니다.", "정답.",
            "mqueue는 sendmail의 큐입니다.", "설정 디렉터리에 메일을 두지 않습니다."]),
          ("With dovecot's `mail_location = mbox:~/mail:INBOX=/var/mail/%u`, where is alice's INBOX?",
           ["/home/alice/mail/INBOX", "/var/mail/alice", "/var/spool/mqueue/alice", "/etc/dovecot/alice"],
           "%u in INBOX=/var/mail/%u becomes the user name; /var/mail is /var/spool/mail; ~/mail holds the other folders.",
           ["~/mail holds the folders other than INBOX (mbox files).", "Right.",
            "mqueue is sendmail's queue.", "No mail is kept in the configuration directory."]), 1),
        q(("telnet으로 이 서버의 POP3 서버에 접속하는 명령을 쓰세요.", [],
           "telnet localhost 110. 접속하면 USER, PASS, STAT, RETR, DELE, QUIT 순서로 씁니다."),
          ("Write the command that connects to this server's POP3 server with telnet.", [],
           "telnet localhost 110; then USER, PASS, STAT, RETR, DELE, QUIT."),
         ["telnet localhost 110", "telnet 127.0.0.1 110"]),
        q(("다음 /var/log/maillog 줄을 보고 옳은 것을 고르세요.\ndovecot: pop3(bob): Disconnected: Logged out top=0/0, retr=3/1653, del=3/3, size=1617",
           ["bob이 IMAP으로 세 통을 읽고 세 통 모두 서버에 그대로 남겨 두었다", "bob의 비밀번호가 틀렸다",
            "bob이 POP3로 세 통을 가져갔고 세 통 모두 서버에서 지웠다", "bob에게 온 메일 세 통이 반송되었다"],
           "pop3(bob), retr=3(세 통 내려받음), del=3/3(세 통 중 세 통 지움)입니다.",
           ["IMAP이 아니라 pop3 줄입니다.", "비밀번호가 틀리면 auth failed 줄이 남고 Logged out이 아닙니다.",
            "정답.", "반송은 sendmail의 일이고 이 줄은 가져오기 기록입니다."]),
          ("Read this /var/log/maillog line. Which is true?\ndovecot: pop3(bob): Disconnected: Logged out top=0/0, retr=3/1653, del=3/3, size=1617",
           ["bob read three messages with IMAP and left all three of them in his server mailbox", "bob's password was wrong",
            "bob fetched three messages with POP3 and all three were deleted on the server", "three messages for bob bounced"],
           "pop3(bob), retr=3 (three downloaded), del=3/3 (three of three deleted).",
           ["It is a pop3 line, not IMAP.", "A wrong password leaves an auth failed line, not Logged out.",
            "Right.", "Bounces are sendmail's; this line records a fetch."]), 2),
        q(("dovecot의 `disable_plaintext_auth = yes`의 뜻은?", ["암호화(SSL/TLS)하지 않은 연결에서는 평문 비밀번호 로그인을 막는다",
                                                          "비밀번호 없이 로그인하게 한다", "POP3를 끄고 IMAP만 켠다", "메일함의 메일을 평문 그대로 두지 않고 서버의 디스크에 암호화해서 저장한다"],
           "평문 비밀번호가 네트워크에 그대로 흐르지 않게, 암호화된 연결에서만 허용합니다(로컬 접속은 예외로 봅니다).",
           ["정답.", "인증을 끄는 설정이 아닙니다.", "켜는 프로토콜은 protocols가 정합니다.", "저장 형식과 관계없습니다(mail_location)."]),
          ("What does dovecot's `disable_plaintext_auth = yes` do?", ["refuses plaintext password logins on connections without SSL/TLS",
                                                                       "lets users log in without a password", "turns POP3 off and leaves IMAP", "stores the mailboxes encrypted on the server disk instead of as plain text"],
           "So that plain passwords never cross the network unencrypted, they are allowed only on encrypted connections (local ones count as secure).",
           ["Right.", "It does not switch authentication off.", "protocols chooses what is served.", "Storage is mail_location's business."]), 0),
        q(("dovecot이 사용자 홈의 Maildir 형식 메일함(~/Maildir)을 쓰게 하는 conf.d/10-mail.conf의 줄은?",
           ["mail_location = maildir:~/Maildir", "mail_location = mbox:~/Maildir", "maildir = ~/Maildir", "protocols = maildir"],
           "mail_location은 `형식:경로`로 씁니다. maildir:~/Maildir이면 받은편지함이 ~/Maildir이고, 다른 폴더는 ~/Maildir/.폴더입니다.",
           ["정답.", "mbox:는 mbox 파일 형식이라 ~/Maildir를 mbox 폴더들이 있는 디렉터리로 봅니다.",
            "그런 설정은 없습니다(doveconf: Unknown setting: maildir).", "protocols에는 imap, pop3처럼 제공할 프로토콜을 적습니다."]),
          ("Which line of conf.d/10-mail.conf makes dovecot use Maildir mailboxes in the user's home (~/Maildir)?",
           ["mail_location = maildir:~/Maildir", "mail_location = mbox:~/Maildir", "maildir = ~/Maildir", "protocols = maildir"],
           "mail_location is written `format:path`. With maildir:~/Maildir the INBOX is ~/Maildir and other folders are ~/Maildir/.Folder.",
           ["Right.", "mbox: is the mbox file format: ~/Maildir would be taken as the directory of mbox folders.",
            "There is no such setting (doveconf: Unknown setting: maildir).", "protocols lists what is served, such as imap and pop3."]), 0),
        q(("`doveconf -n`에 대한 설명으로 옳은 것은?",
           ["dovecot.conf를 주석까지 포함해 처음부터 끝까지 그대로 보여 준다", "dovecot을 다시 시작해 바꾼 설정을 적용한다",
            "POP3와 IMAP 접속 기록을 보여 준다", "기본값과 다른 설정만 모아 보여 주고, 틀린 줄이 있으면 파일과 줄 번호를 알려 준다"],
           "doveconf -n은 설정 파일들을 읽어 기본값과 다른 설정만 보여 줍니다. 질문할 때 이 출력을 붙이라고 dovecot.conf 첫머리에 적혀 있습니다.",
           ["주석과 기본값은 빠집니다. 파일 자체는 cat으로 봅니다.", "읽기만 합니다. 적용은 systemctl restart dovecot입니다.",
            "접속 기록은 /var/log/maillog에 있습니다.", "정답."]),
          ("Which is true of `doveconf -n`?",
           ["it prints dovecot.conf from start to end as it is, comment lines included", "it restarts dovecot so that changed settings apply",
            "it shows the log of POP3 and IMAP logins", "it shows only the settings that differ from the defaults, and names the file and line of a wrong one"],
           "doveconf -n reads the files and prints only what differs from the defaults; dovecot.conf's first lines ask for this output when you ask for help.",
           ["Comments and defaults are left out; cat shows the file itself.", "It only reads; systemctl restart dovecot applies a change.",
            "Logins are in /var/log/maillog.", "Right."]), 3),
        q(("CentOS의 기본 설정(ssl = required, disable_plaintext_auth 기본값 yes)에서 다른 컴퓨터의 메일 프로그램이 TLS 없이 143번에 접속해 LOGIN 하면?",
           ["그대로 로그인된다", "dovecot 서비스가 멈춘다",
            "평문 로그인이 거부된다(LOGINDISABLED). STARTTLS로 암호화한 뒤에는 로그인된다", "비밀번호 없이 로그인된다"],
           "암호화하지 않은 연결로는 비밀번호를 보내지 못하게 막습니다. 같은 컴퓨터에서의 접속(127.0.0.1에서 127.0.0.1)은 안전한 것으로 봅니다.",
           ["평문 로그인은 같은 컴퓨터에서의 접속에만 허용됩니다.", "로그인을 거부할 뿐 서비스는 계속됩니다.",
            "정답.", "비밀번호는 언제나 필요합니다."]),
          ("With CentOS's defaults (ssl = required, disable_plaintext_auth yes by default), a mail program on another computer connects to 143 without TLS and sends LOGIN. What happens?",
           ["it is logged in as usual", "the dovecot service stops",
            "the plaintext login is refused (LOGINDISABLED); after STARTTLS it can log in", "it is logged in without a password"],
           "A password may not cross an unencrypted connection; a client on the machine itself (127.0.0.1 to 127.0.0.1) counts as secure.",
           ["Plaintext logins are allowed only from the machine itself.", "The login is refused; the service goes on.",
            "Right.", "A password is always needed."]), 2),
    ),
    end(),
]
