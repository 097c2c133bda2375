from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 03. telnet으로 직접 메일 보내기

    메일 프로그램이 뒤에서 하는 일을 사람이 직접 해 봅니다. `telnet localhost 25`로 SMTP 서버에
    접속해서 SMTP 명령을 한 줄씩 입력하면 메일이 보내집니다. 서버가 제대로 동작하는지 점검할 때
    관리자가 실제로 쓰는 방법입니다.
    """, en="""
    # 03. Sending mail by hand with telnet

    Do by hand what a mail program does behind the scenes: connect to the SMTP server with
    `telnet localhost 25` and type SMTP commands line by line. Administrators really do this to
    check that a server works.
    """),
    start(),
    md(ko="""
    ## telnet 설치
    telnet 클라이언트가 없으면 `yum -y install telnet`으로 설치합니다.
    """, en="""
    ## Installing telnet
    If the telnet client is missing, install it with `yum -y install telnet`.
    """),
    code("%yum -y install telnet", "seed:T01"),
    md(ko="""
    ## SMTP 대화 한 번
    | 입력 | 뜻 | 성공 응답 |
    | --- | --- | --- |
    | `EHLO 내이름` | 인사(확장 SMTP). 서버가 지원하는 기능을 알려 줌 | 250 |
    | `MAIL FROM:<보내는주소>` | 봉투의 보내는 사람 | 250 |
    | `RCPT TO:<받는주소>` | 봉투의 받는 사람(여러 번 가능) | 250 |
    | `DATA` | 이제 본문을 보냄. 헤더, 빈 줄, 본문, 그리고 `.` 한 줄로 끝 | 354, 끝나면 250 |
    | `QUIT` | 연결 끝 | 221 |

    아래 셀의 내용이 그대로 한 줄씩 입력됩니다. 받는 사람이나 제목을 바꿔서 다시 실행해 보세요.
    """, en="""
    ## One SMTP conversation
    | Typed | Meaning | Success reply |
    | --- | --- | --- |
    | `EHLO myname` | greeting (extended SMTP); the server lists what it supports | 250 |
    | `MAIL FROM:<sender>` | the envelope sender | 250 |
    | `RCPT TO:<recipient>` | an envelope recipient (may repeat) | 250 |
    | `DATA` | the message follows: headers, blank line, body, and a line with `.` alone | 354, then 250 |
    | `QUIT` | hang up | 221 |

    The cell's lines are typed one by one. Change the recipient or subject and run it again.
    """),
    code("""
    %%telnet localhost 25
    EHLO localhost
    MAIL FROM:<bob@localhost>
    RCPT TO:<alice@localhost>
    DATA
    From: Bob <bob@localhost>
    To: Alice <alice@localhost>
    Subject: typed by hand

    Hello Alice,
    this message was typed into telnet line by line.
    .
    QUIT
    """, "seed:T01", "seed:P01"),
    code("%cat /var/spool/mail/alice", "seed:T01"),
    md(ko="""
    메일함 파일(mbox)을 그대로 열어 보았습니다. `Received:` 헤더는 MTA가 붙인 것입니다. 누가(from localhost [127.0.0.1]) 어느 서버에(by ...)
    언제 넘겼는지 적혀 있습니다. `Return-Path:`는 봉투의 `MAIL FROM` 주소입니다.

    ## 봉투(envelope)와 헤더(header)는 다릅니다
    편지에 비유하면, `MAIL FROM`/`RCPT TO`는 **봉투**에 쓴 주소이고 `DATA` 안의 `From:`/`To:`는 봉투
    안 **편지지**에 쓴 주소입니다.

    | | 봉투 (envelope) | 헤더 (header) |
    | --- | --- | --- |
    | 어디에 | SMTP 명령 `MAIL FROM`, `RCPT TO` | `DATA` 안의 `From:`, `To:`, `Cc:` 줄 |
    | 누가 읽나 | MTA: 어디로 배달할지, 실패하면 누구에게 반송할지 | 사람과 MUA: 메일 프로그램 화면에 보이는 것 |
    | mbox에서는 | 첫 줄 `From 보낸사람 날짜`, `Return-Path:` | 그대로 저장된 헤더 줄 |

    MTA는 헤더의 `To:`를 보지 않고 봉투의 `RCPT TO`로 배달합니다. 그래서 둘이 달라도 됩니다.
    숨은 참조(Bcc)와 메일링 리스트가 이렇게 동작하고, 반송(bounce) 메일은 헤더의 `From:`이 아니라
    봉투의 보낸 사람에게 갑니다. 아래에서 봉투와 헤더가 다른 메일을 carol에게 보내 봅니다.
    """, en="""
    That is the mailbox file (mbox) as stored. The `Received:` header was added by the MTA: who handed the message over (from localhost
    [127.0.0.1]), to which server (by ...) and when. `Return-Path:` is the envelope's `MAIL FROM`.

    ## The envelope and the header are different things
    Think of a letter: `MAIL FROM`/`RCPT TO` are the addresses on the **envelope**; `From:`/`To:`
    inside `DATA` are written on the **letter** inside it.

    | | envelope | header |
    | --- | --- | --- |
    | where | the SMTP commands `MAIL FROM`, `RCPT TO` | the `From:`, `To:`, `Cc:` lines inside `DATA` |
    | read by | the MTA: where to deliver, whom to bounce failures to | people and MUAs: what the mail program shows |
    | in the mbox | the first line `From sender date`, `Return-Path:` | the header lines as sent |

    The MTA delivers by the envelope's `RCPT TO` and never looks at the header's `To:`, so the two
    may differ. That is how Bcc and mailing lists work, and why a bounce goes to the envelope
    sender, not to the header's `From:`. Below, carol gets a message whose envelope and header differ.
    """),
    code("""
    %%telnet localhost 25
    EHLO localhost
    MAIL FROM:<bounces@list.example.com>
    RCPT TO:<carol@localhost>
    DATA
    From: Shop News <news@shop.example.com>
    To: Our customers <customers@shop.example.com>
    Subject: envelope or header?

    Who is this for? The header does not name carol.
    .
    QUIT
    """, "seed:P01"),
    code("%grep -E '^(From |Return-Path:|From:|To:)' /var/spool/mail/carol", "seed:P01"),
    md(ko="""
    carol의 메일함에 배달되었지만 헤더의 `To:`에는 carol이 없습니다. 배달은 봉투의 `RCPT TO:<carol@localhost>`
    로 정해졌고, 반송이 생기면 `Return-Path:`의 `bounces@list.example.com`으로 갑니다.

    ## 틀리면 어떻게 되나
    순서를 어기거나 없는 사용자에게 보내면 서버가 4xx/5xx 코드로 거절합니다.
    """, en="""
    It reached carol's mailbox, yet the header's `To:` does not name her: delivery followed the
    envelope's `RCPT TO:<carol@localhost>`, and a bounce would go to `bounces@list.example.com`, the
    `Return-Path:`.

    ## What if you get it wrong
    Out-of-order commands and unknown users are refused with 4xx/5xx codes.
    """),
    code("""
    %%telnet localhost 25
    HELO localhost
    RCPT TO:<alice@localhost>
    MAIL FROM:<bob@localhost>
    RCPT TO:<nosuchuser@localhost>
    DATA
    QUIT
    """, "seed:T01"),
    md(ko="""
    - `503 5.0.0 Need MAIL before RCPT`: `RCPT`보다 `MAIL`이 먼저입니다.
    - `550 5.1.1 ... User unknown`: 이 서버에 그런 계정이 없습니다.
    - `503 5.0.0 Need RCPT (recipient)`: 받는 사람이 하나도 없으니 `DATA`를 받을 수 없습니다.

    ## 직접 쳐 보기: Telnet 위젯
    이번에는 한 줄씩 직접 입력해 보세요. 입력칸에 위의 명령을 차례로 쓰고 Enter(또는 **보내기**)를
    누르면 서버의 응답이 바로 나타납니다. 다 했으면 `QUIT`을 보내거나 **끊기**를 누르세요.
    """, en="""
    - `503 5.0.0 Need MAIL before RCPT`: `MAIL` comes before `RCPT`.
    - `550 5.1.1 ... User unknown`: no such account on this server.
    - `503 5.0.0 Need RCPT (recipient)`: no recipient was accepted, so no `DATA`.

    ## Type it yourself: the Telnet widget
    Now type line by line: enter the commands above in the box, one after another, and press
    Enter (or **Send**); the server's reply appears at once. When done, send `QUIT` or press **Hang up**.
    """),
    code("""
    session = Telnet(port=25)
    session.wait_for("220")
    session
    """, "seed:T01"),
    quiz(
        q(("telnet으로 이 서버의 SMTP 서버에 접속하는 명령은?", ["telnet localhost 110", "telnet 25 localhost",
                                                           "telnet localhost 25", "telnet -p 25 localhost"],
           "telnet 호스트 포트 순서이고, SMTP는 25번입니다.",
           ["110번은 POP3입니다.", "순서가 반대입니다. 호스트가 먼저, 포트가 나중입니다.",
            "정답: telnet localhost 25.", "telnet은 포트를 -p 옵션이 아니라 호스트 뒤에 씁니다."]),
          ("Which command connects to this server's SMTP server with telnet?", ["telnet localhost 110", "telnet 25 localhost",
                                                                                "telnet localhost 25", "telnet -p 25 localhost"],
           "telnet HOST PORT; SMTP is port 25.",
           ["110 is POP3.", "Wrong order: the host comes first, then the port.",
            "Right: telnet localhost 25.", "telnet takes the port after the host, not with -p."]), 2),
        q(("DATA로 본문을 보낸 뒤 본문의 끝을 알리는 줄은?", ["빈 줄", "QUIT", "END", "점(.) 하나뿐인 줄"],
           "점 하나만 있는 줄이 본문의 끝입니다. 서버는 250으로 받았다고 답합니다.",
           ["빈 줄은 헤더와 본문을 나눌 뿐입니다.", "QUIT은 본문이 끝난 뒤 연결을 끝내는 명령입니다.",
            "END는 SMTP 명령이 아닙니다. 본문의 한 줄로 보내질 뿐입니다.", "정답: `.` 한 줄."]),
          ("After DATA, which line ends the message?", ["an empty line", "QUIT", "END", "a line with a single dot (.)"],
           "A line with only a dot ends it; the server answers 250.",
           ["An empty line only separates headers from body.", "QUIT ends the connection after the message.",
            "END is no SMTP command; it would be sent as a line of the body.", "Right: a `.` alone on a line."]), 3),
        q(("SMTP 응답 코드 354의 뜻은?", ["명령 성공", "본문을 보내라(계속)", "일시적 실패", "영구적 실패"],
           "3xx는 계속 입력하라는 뜻입니다. sendmail은 354 Enter mail, end with \".\" on a line by itself라고 답합니다.",
           ["성공은 2xx(예: 250)입니다.", "정답: DATA에 대한 답으로 본문을 기다립니다.",
            "일시적 실패는 4xx입니다.", "영구적 실패는 5xx입니다."]),
          ("What does SMTP reply code 354 mean?", ["success", "go on and send the message", "temporary failure", "permanent failure"],
           "3xx means go on; sendmail says 354 Enter mail, end with \".\" on a line by itself.",
           ["Success is 2xx (e.g. 250).", "Right: the answer to DATA, waiting for the text.",
            "Temporary failure is 4xx.", "Permanent failure is 5xx."]), 1),
        q(("telnet 클라이언트가 없을 때 설치하는 명령을 쓰세요.", [],
           "yum -y install telnet. telnet-server(서버)가 아니라 클라이언트 패키지 telnet입니다."),
          ("The telnet client is missing. Write the command that installs it.", [],
           "yum -y install telnet: the client package telnet, not telnet-server."),
         ["yum -y install telnet", "yum install -y telnet"]),
        q(("SMTP 대화의 순서에서 빈칸 ㉠에 들어갈 명령은?\nEHLO localhost -> MAIL FROM:<bob@localhost> -> ( ㉠ ) -> DATA -> QUIT",
           ["RCPT TO:<alice@localhost>", "HELO localhost", "SEND TO:<alice@localhost>", "RETR 1"],
           "보내는 사람(MAIL FROM) 다음에 받는 사람(RCPT TO)을 알리고 DATA로 본문을 보냅니다.",
           ["정답: RCPT TO로 봉투의 받는 사람을 정합니다.", "HELO는 인사 명령으로 EHLO 자리에 옵니다.",
            "SEND TO라는 명령은 없습니다.", "RETR는 POP3에서 메일을 내려받는 명령입니다."]),
          ("Fill the blank (A) in the SMTP dialogue:\nEHLO localhost -> MAIL FROM:<bob@localhost> -> ( A ) -> DATA -> QUIT",
           ["RCPT TO:<alice@localhost>", "HELO localhost", "SEND TO:<alice@localhost>", "RETR 1"],
           "After the sender (MAIL FROM) comes the recipient (RCPT TO), then DATA.",
           ["Right: RCPT TO names the envelope recipient.", "HELO is a greeting, in EHLO's place.",
            "There is no SEND TO command.", "RETR downloads a message in POP3."]), 0),
        q(("다음 SMTP 대화에서 서버가 503으로 거절한 까닭은?\nHELO localhost\n250 localhost Hello localhost [127.0.0.1], pleased to meet you\nRCPT TO:<alice@localhost>\n503 5.0.0 Need MAIL before RCPT",
           ["alice라는 사용자가 없어서", "이 서버는 HELO를 받지 않아 EHLO로 다시 인사해야 해서", "MAIL FROM을 보내기 전에 RCPT TO를 보내서", "메일이 너무 커서"],
           "503은 명령의 순서가 틀렸다는 뜻입니다. MAIL FROM이 먼저입니다.",
           ["없는 사용자는 550 5.1.1 User unknown입니다.", "HELO도 받아 줍니다(250이 왔음).",
            "정답: Need MAIL before RCPT.", "크기 초과는 552입니다."]),
          ("Why did the server answer 503 in this dialogue?\nHELO localhost\n250 localhost Hello localhost [127.0.0.1], pleased to meet you\nRCPT TO:<alice@localhost>\n503 5.0.0 Need MAIL before RCPT",
           ["there is no user alice", "this server refuses HELO; the client must greet again with EHLO", "RCPT TO came before MAIL FROM", "the message was too big"],
           "503 means a command came out of order: MAIL FROM comes first.",
           ["An unknown user is 550 5.1.1 User unknown.", "HELO is accepted too (it got 250).",
            "Right: Need MAIL before RCPT.", "Too big is 552."]), 2),
        q(("`RCPT TO:<nosuchuser@localhost>`에 대한 응답으로 알맞은 것은? (그런 계정이 없음)",
           ["250 2.1.5 Recipient ok", "354 Enter mail", "221 2.0.0 closing connection", "550 5.1.1 <nosuchuser@localhost>... User unknown"],
           "없는 사용자는 영구적 실패 550 5.1.1 User unknown입니다.",
           ["250은 받는 사람을 받아들일 때입니다.", "354는 DATA에 대한 응답입니다.",
            "221은 QUIT에 대한 응답입니다.", "정답: 550 User unknown."]),
          ("Which reply fits `RCPT TO:<nosuchuser@localhost>` (no such account)?",
           ["250 2.1.5 Recipient ok", "354 Enter mail", "221 2.0.0 closing connection", "550 5.1.1 <nosuchuser@localhost>... User unknown"],
           "An unknown user is a permanent failure: 550 5.1.1 User unknown.",
           ["250 accepts the recipient.", "354 answers DATA.", "221 answers QUIT.", "Right: 550 User unknown."]), 3),
        q(("telnet으로 보낸 메일을 메일함에서 열었을 때 보이는 헤더에 대한 설명으로 옳지 않은 것은?",
           ["Received: 헤더는 메일을 넘겨받은 MTA가 붙인다", "Return-Path: 에는 봉투의 MAIL FROM 주소가 적힌다",
            "Subject: 헤더는 DATA 안에 사용자가 쓴 것이다", "To: 헤더가 없으면 RCPT TO가 있어도 배달되지 않는다"],
           "배달은 봉투(RCPT TO)를 따릅니다. 헤더의 To:는 읽는 사람에게 보여 주는 글일 뿐입니다.",
           ["옳은 설명: 누가 어느 서버에 언제 넘겼는지 적힙니다.", "옳은 설명: 반송이 갈 봉투 발신자입니다.",
            "옳은 설명: 헤더는 DATA로 보낸 본문의 앞부분입니다.", "정답(옳지 않음): To: 헤더가 없어도 RCPT TO의 주소로 배달됩니다."]),
          ("Which statement about the headers of the message sent by telnet is NOT true?",
           ["the Received: header is added by the MTA that took the message", "Return-Path: holds the envelope's MAIL FROM address",
            "the Subject: header is what the user wrote inside DATA", "without a To: header the message is not delivered, even with RCPT TO"],
           "Delivery follows the envelope (RCPT TO); the To: header is only text shown to the reader.",
           ["True: who handed it to which server and when.", "True: the envelope sender, where bounces go.",
            "True: headers are the first part of the DATA text.", "Right (not true): it is delivered to the RCPT TO address without any To: header."]), 3),
        q(("DATA로 보내는 내용에서 헤더와 본문을 나누는 것은?", ["점(.) 하나뿐인 줄", "빈 줄 하나", "Subject: 줄", "QUIT"],
           "헤더 줄들 다음의 첫 빈 줄부터 본문입니다.",
           ["점 한 줄은 메일 전체의 끝입니다.", "정답: 빈 줄.", "Subject:도 헤더의 한 줄일 뿐입니다.",
            "QUIT은 연결을 끝냅니다."]),
          ("In the text sent after DATA, what separates the headers from the body?", ["a line with a single dot", "one empty line", "the Subject: line", "QUIT"],
           "The body starts after the first empty line following the headers.",
           ["A dot alone ends the whole message.", "Right: an empty line.", "Subject: is just one header line.", "QUIT ends the connection."]), 1),
        q(("SMTP에서 봉투의 받는 사람을 알리는 명령어(두 단어)를 쓰세요.", [],
           "RCPT TO:<주소> 입니다. 받는 사람이 여럿이면 여러 번 보냅니다. 보내는 사람은 MAIL FROM입니다."),
          ("Write the SMTP command (two words) that names an envelope recipient.", [],
           "RCPT TO:<address>, sent once per recipient; the sender is MAIL FROM."),
         ["RCPT TO", "RCPT TO:", "rcpt to", "rcpt to:"]),
        q(("QUIT에 대한 sendmail의 응답 코드는?", ["250", "221", "354", "421"],
           "221 2.0.0 localhost closing connection: 서비스가 연결을 닫습니다.",
           ["250은 명령이 성공했을 때의 일반 응답입니다.", "정답: 221.", "354는 DATA에 대한 응답입니다.",
            "421은 서비스를 쓸 수 없어 서버가 먼저 연결을 닫을 때입니다."]),
          ("Which code does sendmail answer QUIT with?", ["250", "221", "354", "421"],
           "221 2.0.0 localhost closing connection: the service closes the channel.",
           ["250 is the usual success of a command.", "Right: 221.", "354 answers DATA.",
            "421 is when the service is unavailable and the server closes first."]), 1),
    ),
    end(),
]
