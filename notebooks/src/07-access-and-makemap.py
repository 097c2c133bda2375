from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 07. access와 makemap: 릴레이 허용과 스팸 막기

    `/etc/mail/access`는 **누가 이 서버를 쓸 수 있는지** 정하는 접근 제어 파일입니다.
    스팸을 막거나, 다른 컴퓨터가 이 서버를 통해 바깥으로 메일을 보내도록(릴레이) 허용할 때 씁니다.
    한 줄은 `정책대상  정책` 형식입니다.

    | 정책 | 뜻 |
    | --- | --- |
    | `RELAY` | 릴레이 허용(이 서버를 거쳐 다른 도메인으로 보내도 됨) |
    | `OK` | 다른 규칙이 거절하더라도 받아 줌(예: DNS 조회에 실패해도) |
    | `REJECT` | 거절하고, 거절했다는 오류 메시지를 보냄 |
    | `DISCARD` | 받은 척하고(250) 조용히 버림; 보낸 쪽은 모름 |
    | `ERROR:"550 문구"` | 원하는 오류 코드와 문구로 거절 |

    정책 대상은 **도메인**(`spam.example.net`), **IP 주소**(`127.0.0.2`, `192.168.1`처럼 앞부분만도 됨),
    **메일 주소**(`junk@example.org`)입니다. 앞에 `Connect:`, `From:`, `To:`를 붙이면 접속한 호스트,
    보내는 사람, 받는 사람 중 어느 것에 적용할지 정할 수 있습니다.

    sendmail은 텍스트 파일이 아니라 <strong>`access.db`</strong>를 읽습니다. 고친 뒤에는 반드시:
    ```
    makemap hash /etc/mail/access < /etc/mail/access
    ```
    """, en="""
    # 07. access and makemap: relaying and blocking spam

    `/etc/mail/access` is the access control file: **who may use this server**. It blocks spam,
    and allows other computers to send mail out through this server (relaying). A line is
    `target  policy`.

    | Policy | Meaning |
    | --- | --- |
    | `RELAY` | allow relaying (mail may go through this server to other domains) |
    | `OK` | accept even if another rule would refuse (e.g. when a DNS lookup fails) |
    | `REJECT` | refuse, and send an error message saying so |
    | `DISCARD` | pretend to accept (250) and silently drop it; the sender never knows |
    | `ERROR:"550 text"` | refuse with your own code and text |

    The target is a **domain** (`spam.example.net`), an **IP address** (`127.0.0.2`, or just its
    first part like `192.168.1`) or a **mail address** (`junk@example.org`). A `Connect:`, `From:`
    or `To:` prefix says whether it applies to the connecting host, the sender or the recipient.

    sendmail reads **`access.db`**, not the text file. After every change:
    ```
    makemap hash /etc/mail/access < /etc/mail/access
    ```
    """),
    start(),
    code("""
    %grep ^Kaccess /etc/mail/sendmail.cf
    %grep -v '^#' /etc/mail/access
    """, "seed:O08", "seed:F04"),
    md(ko="""
    `Kaccess` 줄이 access 맵(`/etc/mail/access.db`)을 선언합니다. 기본 설정은 이 서버 자신
    (localhost, 127.0.0.1)에게만 릴레이를 허용합니다.

    ## 다른 컴퓨터의 릴레이: 거절
    `client.example.com`(127.0.0.2)에서 바깥 주소 `dave@example.com`으로 보내 봅니다.
    """, en="""
    The `Kaccess` line declares the access map (`/etc/mail/access.db`). The stock file allows
    relaying only for this host itself (localhost, 127.0.0.1).

    ## Relaying for another computer: refused
    From `client.example.com` (127.0.0.2), send to the outside address `dave@example.com`.
    """),
    code('smtp_send("dave@example.com", subject="relay me", client="127.0.0.2")', "seed:F04"),
    md(ko="""
    ## RELAY: 허용하기, 그리고 makemap
    `Connect:127.0.0.2 RELAY`를 추가합니다. **makemap 전에는** 아무것도 바뀌지 않는 것을 확인하세요.
    """, en="""
    ## RELAY: allow it, then makemap
    Add `Connect:127.0.0.2 RELAY`. Check that **before makemap** nothing changes.
    """),
    code("""
    %%host
    echo "Connect:127.0.0.2		RELAY" >> /etc/mail/access
    tail -1 /etc/mail/access
    """, "seed:F04", "seed:F08"),
    code('smtp_send("dave@example.com", subject="relay me", client="127.0.0.2")', "seed:F04", "seed:F08"),
    code("""
    %makemap hash /etc/mail/access < /etc/mail/access
    %ls -l /etc/mail/access /etc/mail/access.db
    """, "seed:F04", "seed:F08"),
    code('smtp_send("dave@example.com", subject="relay me", client="127.0.0.2")', "seed:F04", "seed:F08"),
    md(ko="""
    makemap 뒤에는 재시작 없이 바로 적용됩니다(sendmail이 매번 access.db를 찾아봄).
    받은 메일은 바깥으로 나갈 수 없어 큐에서 기다립니다(9장).

    ## REJECT, DISCARD, OK
    스팸 도메인 `spam.example.net`은 거절하고, `junk@example.org`에서 오는 메일은 조용히 버리고,
    그 스팸 도메인에 있는 친구 한 명(`friend@spam.example.net`)만은 받아 줍니다. 더 구체적인 항목
    (주소)이 도메인 항목보다 먼저 적용됩니다.
    """, en="""
    After makemap it applies at once, with no restart (sendmail looks into access.db every time).
    The accepted message cannot leave the sandbox, so it waits in the queue (chapter 09).

    ## REJECT, DISCARD, OK
    Refuse the spam domain `spam.example.net`, silently drop mail from `junk@example.org`, and still
    accept one friend in that spam domain (`friend@spam.example.net`). The more specific entry (the
    address) wins over the domain entry.
    """),
    code("""
    %%host
    echo "From:spam.example.net		REJECT" >> /etc/mail/access
    echo "From:junk@example.org		DISCARD" >> /etc/mail/access
    echo "From:friend@spam.example.net	OK" >> /etc/mail/access
    echo 'To:carol@localhost		ERROR:"550 carol is on holiday"' >> /etc/mail/access
    makemap hash /etc/mail/access < /etc/mail/access
    """, "seed:F04"),
    code("""
    smtp_send("alice@localhost", subject="cheap pills", sender="eve@spam.example.net")
    smtp_send("alice@localhost", subject="more junk", sender="junk@example.org")
    smtp_send("alice@localhost", subject="hi from a friend", sender="friend@spam.example.net")
    smtp_send("carol@localhost", subject="are you there?")
    """, "seed:F04"),
    code("%mail -H -u alice", "seed:F04"),
    md(ko="""
    eve의 메일은 어디에서 멈췄을까요? sendmail은 MAIL FROM을 받는 순간 큐 ID를 정하고, 거절도 그 ID로
    `/var/log/maillog`에 남깁니다. **Trace**에 주소를 주면 그 기록을 찾아 보여 줍니다.
    """, en="""
    Where did eve's mail stop? sendmail gives a transaction its queue ID as soon as it takes MAIL FROM,
    and logs the refusal under that ID in `/var/log/maillog`. Give **Trace** the address and it finds
    that record.
    """),
    code("""
    %grep reject= /var/log/maillog
    trace = Trace(message_id="eve@spam.example.net")
    for step in trace.steps:
        print(f"{step['agent']:<10} {'ok' if step['ok'] else '--'}  {step['what']}")
    """, "seed:F04"),
    md(ko="""
    - eve: `550 5.7.1 ... Access denied` (REJECT: 보낸 사람이 거절당한 것을 앎)
    - junk: `250 ... accepted`이지만 메일함에 없음 (DISCARD: 보낸 사람은 모름)
    - friend: 도메인은 REJECT지만 주소 항목 OK가 이겨서 도착
    - carol: 우리가 정한 문구로 거절

    ## Connect: 접속 자체를 막기
    `spam.example.net` 호스트(127.0.0.3)에서 들어오는 연결을 막으면, 인사(220)는 하지만 그 뒤의
    모든 명령을 거절합니다.
    """, en="""
    - eve: `550 5.7.1 ... Access denied` (REJECT: the sender learns it was refused)
    - junk: `250 ... accepted` but not in the mailbox (DISCARD: the sender never knows)
    - friend: the domain is REJECT, but the address entry OK wins, so it arrives
    - carol: refused with our own text

    ## Connect: refusing the connection itself
    Block connections from the host `spam.example.net` (127.0.0.3): it still gets the greeting
    (220), then every command is refused.
    """),
    code("""
    %%host
    echo "Connect:127.0.0.3		REJECT" >> /etc/mail/access
    makemap hash /etc/mail/access < /etc/mail/access
    """, "seed:F04"),
    code('smtp_send("alice@localhost", subject="knock knock", client="127.0.0.3")', "seed:F04"),
    md(ko="""
    ## FR-o: relay-domains로 도메인 전체에 릴레이 허용
    sendmail.cf의 `FR-o /etc/mail/relay-domains`는 릴레이를 허용할 도메인 목록 파일입니다.
    이 파일에 `example.com`을 넣으면 두 가지가 허용됩니다. 그 도메인의 호스트(예: `client.example.com`)가
    어느 도메인으로든 릴레이할 수 있고, 어느 호스트에서든 그 도메인(`...@example.com`)으로 가는 메일을
    받아 넘겨 줍니다. access와 달리 이 파일은 **sendmail을 다시 시작해야** 읽습니다.
    먼저 access의 127.0.0.2 RELAY 줄을 지워서, relay-domains만의 효과를 봅니다.
    """, en="""
    ## FR-o: relaying for a whole domain with relay-domains
    `FR-o /etc/mail/relay-domains` in sendmail.cf names the file of domains allowed to relay.
    With `example.com` in it, two things are allowed: hosts of that domain (like
    `client.example.com`) may relay to any domain, and mail from any host to that domain
    (`...@example.com`) is relayed. Unlike access, this file is read only when **sendmail restarts**.
    First remove access's RELAY line for 127.0.0.2, to see relay-domains on its own.
    """),
    code("""
    %%host
    grep -v '^Connect:127.0.0.2' /etc/mail/access > /tmp/access.new
    cp /tmp/access.new /etc/mail/access
    makemap hash /etc/mail/access < /etc/mail/access
    grep '^FR' /etc/mail/sendmail.cf
    """, "seed:O06"),
    code('smtp_send("dave@example.com", subject="relay by domain", client="127.0.0.2")', "seed:O06"),
    code("""
    %%host
    echo "example.com" >> /etc/mail/relay-domains
    systemctl restart sendmail
    """, "seed:O06"),
    code('smtp_send("dave@example.com", subject="relay by domain", client="127.0.0.2")', "seed:O06"),
    md(ko="""
    두 가지를 따로 봅니다. `client.example.com`(127.0.0.2)은 example.com의 호스트이므로 다른 도메인
    (`other.org`)으로도 릴레이할 수 있습니다. 이름 없는 호스트 127.0.0.4는 example.com으로 가는 메일만
    넘길 수 있고, `other.org`로는 거부됩니다.
    """, en="""
    Now the two apart. `client.example.com` (127.0.0.2) is a host of example.com, so it may relay
    to another domain (`other.org`) too. The nameless host 127.0.0.4 may only send mail for
    example.com through this server; for `other.org` it is refused.
    """),
    code('smtp_send("friend@other.org", subject="client side", client="127.0.0.2")', "seed:O06"),
    code('smtp_send("dave@example.com", subject="recipient side", client="127.0.0.4")', "seed:O06"),
    code('smtp_send("friend@other.org", subject="neither", client="127.0.0.4")', "seed:O06"),
    md(ko="""
    ## 실수: 파일 이름 오타
    makemap의 입력 파일 이름이 틀리면 셸이 먼저 오류를 냅니다. 이때 기존 access.db는 그대로 남습니다.
    """, en="""
    ## A slip: a typo in the file name
    With a wrong input file name the shell complains first; the old access.db stays as it was.
    """),
    code("%makemap hash /etc/mail/access < /etc/mail/acess", "seed:F04", "raises-exception"),
    md(ko="""
    ## 위젯으로 access 고치기
    ConfigEditor의 **access** 탭에서 줄을 고치고 Apply를 누르면 문법을 검사한 뒤 저장하고
    `makemap hash /etc/mail/access < /etc/mail/access`까지 실행합니다.
    """, en="""
    ## Edit access in the widget
    In ConfigEditor's **access** tab, change lines and press Apply: it checks the syntax, saves,
    and runs `makemap hash /etc/mail/access < /etc/mail/access`.
    """),
    code("""
    editor = ConfigEditor(lang=LANG)
    editor.editors["/etc/mail/access"].value += "From:bad@example.com\\tREJECT\\n"
    editor.apply_file("/etc/mail/access")
    print(editor.command_log.text)
    editor
    """, "seed:F04"),
    quiz(
        q(("/etc/mail/access를 고친 뒤 적용하는 명령은?", ["makemap hash /etc/mail/access < /etc/mail/access", "newaliases",
                                                     "m4 /etc/mail/access > /etc/mail/access.db", "sendmail -bi"],
           "makemap hash 로 access.db를 만듭니다."),
          ("After editing /etc/mail/access, which command applies it?", ["makemap hash /etc/mail/access < /etc/mail/access", "newaliases",
                                                                         "m4 /etc/mail/access > /etc/mail/access.db", "sendmail -bi"],
           "makemap hash builds access.db."), 0),
        q(("메일을 받은 것처럼 응답하고 버리는 정책은?", ["REJECT", "DISCARD", "OK", "RELAY"],
           "DISCARD는 250으로 받은 척하고 버립니다. REJECT는 오류를 알립니다."),
          ("Which policy answers as if accepted and then drops the mail?", ["REJECT", "DISCARD", "OK", "RELAY"],
           "DISCARD answers 250 and drops it; REJECT tells the sender."), 1),
        q(("access 파일의 정책 대상으로 쓸 수 있는 것을 모두 고르세요.", ["도메인명", "IP 주소", "메일 주소", "포트 번호"],
           "도메인, IP(앞부분만도 가능), 메일 주소입니다."),
          ("Which can be a target in the access file? Choose all.", ["a domain name", "an IP address", "a mail address", "a port number"],
           "Domains, IP addresses (or their first part) and mail addresses."), [0, 1, 2]),
        q(("192.168.1.0/24 네트워크의 호스트들이 이 서버로 릴레이하게 하는 줄은?", ["192.168.1 RELAY", "192.168.1 OK", "RELAY 192.168.1", "192.168.1.* ACCEPT"],
           "IP 앞부분 + RELAY 입니다."),
          ("Which line lets hosts of 192.168.1.0/24 relay through this server?", ["192.168.1 RELAY", "192.168.1 OK", "RELAY 192.168.1", "192.168.1.* ACCEPT"],
           "The first part of the IP, then RELAY."), 0),
        q(("sendmail.cf에서 릴레이를 허용할 도메인 파일을 지정하는 항목은?", ["FR-o", "Fw", "Ft", "Kaccess"],
           "FR-o /etc/mail/relay-domains"),
          ("Which sendmail.cf item names the file of domains allowed to relay?", ["FR-o", "Fw", "Ft", "Kaccess"],
           "FR-o /etc/mail/relay-domains"), 0),
    ),
    end(),
]
