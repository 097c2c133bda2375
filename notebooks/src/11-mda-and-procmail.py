from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 11. MDA와 procmail

    MTA(sendmail)는 메일을 받아 옮기는 일을 하고, 이 서버의 사용자에게 온 메일을 실제로 메일함에 넣는 일은
    **MDA**(Mail Delivery Agent)에게 맡깁니다. CentOS의 sendmail은 **procmail**을 MDA로 씁니다.
    procmail은 배달하면서 사용자가 정한 규칙(`~/.procmailrc`)에 따라 **스팸을 버리거나 메일을 폴더별로 나눌** 수 있습니다.
    """, en="""
    # 11. The MDA and procmail

    The MTA (sendmail) accepts and moves mail; putting mail for this server's users into their
    mailboxes is the job of the **MDA** (Mail Delivery Agent). CentOS's sendmail uses **procmail**
    as its MDA. While delivering, procmail follows the user's rules (`~/.procmailrc`) to **drop spam
    or sort mail into folders**.
    """),
    start(),
    md(ko="""
    sendmail.cf의 `Mlocal` 줄(로컬 배달 메일러)이 procmail을 부릅니다.
    """, en="""
    The `Mlocal` line of sendmail.cf (the local delivery mailer) runs procmail.
    """),
    code("%grep -E '^Mlocal|A=procmail' /etc/mail/sendmail.cf", "seed:A02"),
    md(ko="""
    ## 규칙 쓰기: ~/.procmailrc
    한 규칙(recipe)은 `:0`으로 시작하고, `*`로 시작하는 조건(정규식), 그리고 동작 한 줄로 이루어집니다.

    - 제목에 `[SPAM]`이 있으면 `/dev/null`(버림)
    - 보낸 사람이 `boss@`이면 `work` 폴더(`$MAILDIR/work` 파일)에
    - 나머지는 평소처럼 `/var/spool/mail/alice`
    """, en="""
    ## Writing rules: ~/.procmailrc
    A recipe starts with `:0`, has conditions starting with `*` (regular expressions), and one action line.

    - subject contains `[SPAM]`: `/dev/null` (drop it)
    - sender is `boss@...`: into the folder `work` (the file `$MAILDIR/work`)
    - everything else: as usual, `/var/spool/mail/alice`
    """),
    code("""
    %%host
    mkdir -p /home/alice/mail
    cat > /home/alice/.procmailrc <<'EOF'
    MAILDIR=$HOME/mail

    :0
    * ^Subject:.*\\[SPAM\\]
    /dev/null

    :0:
    * ^From:.*boss@
    work
    EOF
    cat /home/alice/.procmailrc
    """, "seed:A02"),
    code("""
    smtp_send("alice@localhost", subject="[SPAM] you won", sender="winner@lottery.example")
    smtp_send("alice@localhost", subject="budget", sender="boss@example.com")
    smtp_send("alice@localhost", subject="coffee?", sender="bob@localhost")
    """, "seed:A02"),
    code("""
    %%host
    mail -H -u alice
    mail -H -f /home/alice/mail/work
    """, "seed:A02"),
    md(ko="""
    세 통 모두 MTA가 받았지만(250), MDA가 규칙대로 처리했습니다: 스팸은 사라졌고, 상사의 메일은 `work`
    폴더로, 나머지는 받은편지함으로 갔습니다.
    """, en="""
    The MTA accepted all three (250), and the MDA applied the rules: the spam is gone, the boss's
    mail is in the `work` folder, the rest is in the inbox.
    """),
    md(ko="""
    ## 규칙을 바꿔 보기
    위의 `.procmailrc` 셀에서 조건을 바꿔(예: `^Subject:.*coffee`) 다시 실행하고 메일을 보내 보세요.
    MailboxViewer의 folder 목록에서 받은편지함(`/var/spool/mail/alice`)과 `work` 폴더
    (`/home/alice/mail/work`)를 번갈아 골라 비교해 보세요. 아래 셀은 `work` 폴더를 열어 둡니다.
    """, en="""
    ## Change the rules
    Change a condition in the `.procmailrc` cell above (say `^Subject:.*coffee`), run it again,
    and send more mail. In MailboxViewer's folder list, switch between the inbox
    (`/var/spool/mail/alice`) and the `work` folder (`/home/alice/mail/work`) to compare them;
    the cell below opens `work`.
    """),
    code("""
    viewer = MailboxViewer(user="alice", folder="/home/alice/mail/work")
    print(list(viewer.folder_select.options))
    viewer
    """, "seed:A02"),
    quiz(
        q(("스팸 메일 필터링과 메일 정렬을 할 수 있는 대표적인 MDA는?", ["procmail", "sendmail", "dovecot", "mutt"], ""),
          ("Which MDA is known for filtering spam and sorting mail?", ["procmail", "sendmail", "dovecot", "mutt"], ""), 0),
        q(("MDA가 하는 일로 알맞은 것은?", ["다른 메일 서버로 메일을 전송", "받은 메일을 사용자의 메일함에 배달",
                                     "사용자가 메일을 쓰고 읽는 화면 제공", "DNS로 메일 서버를 찾음"],
           "전송은 MTA, 쓰고 읽기는 MUA, 메일함에 넣기는 MDA입니다."),
          ("What does an MDA do?", ["sends mail on to other mail servers", "delivers received mail into the user's mailbox",
                                   "gives the user a screen to write and read mail", "finds mail servers in DNS"],
           "Transfer is the MTA, writing and reading the MUA, delivery into the mailbox the MDA."), 1),
        q(("procmail 규칙에서 메일을 버리는 동작은?", ["/dev/null", "DISCARD", "REJECT", "rm"],
           "/dev/null로 보내면 버려집니다. DISCARD, REJECT는 access 파일의 정책입니다."),
          ("In a procmail recipe, which action throws the mail away?", ["/dev/null", "DISCARD", "REJECT", "rm"],
           "Delivering to /dev/null drops it; DISCARD and REJECT are access-file policies."), 0),
    ),
    end(),
]
